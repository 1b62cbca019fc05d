import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Label, Radio, RadioGroup } from 'react-aria-components';
import { api, data } from '../../api/client';
import type { Work } from '../../api/content-types';
import { Button } from '../../ui/fields';
import { formatDate } from '../../ui/page';
import { Problem } from '../../ui/problem';

/**
 * A questionnaire one item at a time (what fits a phone, and keeps attention on one question), with
 * the answers kept until the last item is submitted; afterwards the score, where the organisation
 * shows clients theirs.
 */
export function QuestionnaireTool({ work }: { work: Work }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const items = work.content.items ?? [];
  const [index, setIndex] = useState(0);
  const [answers, setAnswers] = useState<Record<string, number>>({});
  const submit = useMutation({
    mutationFn: async () =>
      data(
        await api.POST('/api/content/assignments/{assignmentId}/responses', {
          params: { path: { assignmentId: work.id } },
          body: { answers },
        }),
      ) as { score?: { total: number; band: string | null } },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['work', work.id] }),
  });
  if (submit.isSuccess) {
    const score = submit.data?.score;
    return (
      <div role="status" className="notice">
        <p>{t('questionnaire.thanks')}</p>
        {score && <p>{t('questionnaire.score', { total: score.total, band: score.band ?? '' })}</p>}
      </div>
    );
  }
  const item = items[index];
  if (!item) return null;
  const options = item.options ?? work.content.options ?? [];
  const last = index === items.length - 1;
  const answered = answers[item.key] !== undefined;
  const latest = work.responses?.[0];
  return (
    <>
      {work.nextDueAt && (
        <p className="muted">{t('progress.nextDue', { date: formatDate(work.nextDueAt, i18n.language) })}</p>
      )}
      {latest?.score && (
        <p className="muted">
          {t('questionnaire.lastScore', {
            total: latest.score.total,
            date: formatDate(latest.submittedAt, i18n.language),
          })}
        </p>
      )}
      {work.content.instructions && <p>{work.content.instructions}</p>}
      <div className="card question">
        <p className="muted" aria-live="polite">
          {t('questionnaire.progress', { n: index + 1, total: items.length })}
        </p>
        <RadioGroup
          key={item.key}
          className="radio-group"
          value={answered ? String(answers[item.key]) : null}
          onChange={(v) => setAnswers((a) => ({ ...a, [item.key]: Number(v) }))}
          isRequired
        >
          <Label className="question-text">{item.text}</Label>
          {options.map((o) => (
            <Radio key={String(o.value)} value={String(o.value)} className="radio">
              {o.label}
            </Radio>
          ))}
        </RadioGroup>
        <Problem error={submit.error} />
        <div className="actions">
          {index > 0 && (
            <Button variant="secondary" onPress={() => setIndex(index - 1)}>
              {t('questionnaire.back')}
            </Button>
          )}
          {last ? (
            <Button isDisabled={!answered || submit.isPending} onPress={() => submit.mutate()}>
              {t('questionnaire.submit')}
            </Button>
          ) : (
            <Button isDisabled={!answered} onPress={() => setIndex(index + 1)}>
              {t('questionnaire.next')}
            </Button>
          )}
        </div>
      </div>
    </>
  );
}
