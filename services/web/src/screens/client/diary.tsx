import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Form, Label, Radio, RadioGroup } from 'react-aria-components';
import { api, data } from '../../api/client';
import type { DiaryField, Work } from '../../api/content-types';
import { useReport } from '../../api/queries';
import { TrendChart } from '../../charts/trend-chart';
import { Button, Field } from '../../ui/fields';
import { formatDateTime } from '../../ui/page';
import { Problem, fieldErrors } from '../../ui/problem';

/** Reads the form into the tool's typed values: numbers as numbers, empty optional fields left out. */
function valuesOf(fields: DiaryField[], form: FormData): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = form.get(f.key);
    if (raw === null || raw === '') continue;
    const text = String(raw);
    values[f.key] = f.type === 'number' || f.type === 'scale' ? Number(text.replace(',', '.')) : text;
  }
  return values;
}

/** A stored value as the person entered it: a choice by its label, a number with its unit. */
export function shown(field: DiaryField, value: unknown): string {
  if (field.type === 'choice')
    return field.options.find((o) => String(o.value) === String(value))?.label ?? String(value);
  if (field.type === 'number') return `${String(value)} ${field.unit}`;
  return String(value);
}

/** A diary entry form from the tool's fields, my entries, and my trends as charts. */
export function DiaryTool({ work }: { work: Work }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const fields = work.content.fields ?? [];
  const [formKey, setFormKey] = useState(0);
  const report = useReport(work.clientId);
  const save = useMutation({
    mutationFn: async (values: Record<string, unknown>) =>
      data(
        await api.POST('/api/content/assignments/{assignmentId}/diary-entries', {
          params: { path: { assignmentId: work.id } },
          body: { values },
        }),
      ),
    onSuccess: async () => {
      setFormKey((k) => k + 1);
      await queryClient.invalidateQueries({ queryKey: ['work', work.id] });
      await queryClient.invalidateQueries({ queryKey: ['report', work.clientId] });
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    save.mutate(valuesOf(fields, new FormData(e.currentTarget)));
  };
  const errors = Object.fromEntries(
    Object.entries(fieldErrors(save.error)).map(([path, message]) => [
      path.replace(/^values\./, ''),
      message,
    ]),
  );
  const series = (report.data?.series ?? []).filter((s) => s.toolId === work.toolId);
  return (
    <>
      <section aria-labelledby="entry-heading" className="card">
        <h2 id="entry-heading">{t('diary.new')}</h2>
        {save.isSuccess && (
          <p role="status" className="notice">
            {t('diary.saved')}
          </p>
        )}
        <Form key={formKey} className="form" onSubmit={submit} validationErrors={errors}>
          <Problem error={save.error} />
          {fields.map((f) => (
            <DiaryInput key={f.key} field={f} />
          ))}
          <Button type="submit" isDisabled={save.isPending || work.status !== 'active'}>
            {t('diary.save')}
          </Button>
        </Form>
      </section>
      <section aria-labelledby="trends-heading">
        <h2 id="trends-heading">{t('trend.title')}</h2>
        <Problem error={report.error} />
        {series.length === 0 ? (
          <p>{t('trend.empty')}</p>
        ) : (
          series.map((s) => <TrendChart key={s.measure} series={s} />)
        )}
      </section>
      <section aria-labelledby="entries-heading">
        <h2 id="entries-heading">{t('diary.entries')}</h2>
        {(work.entries ?? []).length === 0 ? (
          <p>{t('diary.noEntries')}</p>
        ) : (
          <ul className="entries">
            {work.entries!.map((e) => (
              <li key={e.id}>
                <strong>{formatDateTime(e.recordedAt, i18n.language)}</strong>:{' '}
                {fields
                  .filter((f) => e.values[f.key] !== undefined)
                  .map(
                    (f) => `${f.label} ${String(e.values[f.key])}${f.type === 'number' ? ` ${f.unit}` : ''}`,
                  )
                  .join(' · ')}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function DiaryInput({ field: f }: { field: DiaryField }) {
  const { t } = useTranslation();
  const required = f.required ?? f.type !== 'free_text';
  switch (f.type) {
    case 'number':
      return (
        <Field
          name={f.key}
          label={`${f.label} (${f.unit})`}
          description={t('diary.range', { min: f.min, max: f.max })}
          isRequired={required}
          inputMode={f.decimals ? 'decimal' : 'numeric'}
        />
      );
    case 'time':
      return <Field name={f.key} type="time" label={f.label} isRequired={required} />;
    case 'free_text':
      return <Field name={f.key} label={f.label} multiline maxLength={f.maxLength} isRequired={required} />;
    case 'choice':
      return (
        <RadioGroup name={f.key} isRequired={required} className="radio-group">
          <Label>{f.label}</Label>
          {f.options.map((o) => (
            <Radio key={String(o.value)} value={String(o.value)} className="radio">
              {o.label}
            </Radio>
          ))}
        </RadioGroup>
      );
    case 'scale': {
      const points = Array.from({ length: f.max - f.min + 1 }, (_, i) => f.min + i);
      return (
        <RadioGroup name={f.key} isRequired={required} orientation="horizontal" className="radio-group scale">
          <Label>{f.label}</Label>
          {points.map((v) => (
            <Radio key={v} value={String(v)} className="radio">
              {f.labels?.[String(v)] ? `${v} ${f.labels[String(v)]}` : String(v)}
            </Radio>
          ))}
        </RadioGroup>
      );
    }
  }
}
