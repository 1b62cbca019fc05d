import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  Button as AriaButton,
  Checkbox,
  CheckboxGroup,
  Form,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Radio,
  RadioGroup,
  Select,
  SelectValue,
} from 'react-aria-components';
import { api, data } from '../../api/client';
import type { ModuleSession } from '../../api/content-types';
import { Button, Field } from '../../ui/fields';
import { Problem, fieldErrors } from '../../ui/problem';
import { SessionPlan, defaultPlan, planOf, toSessions, type Plan } from './session-plan';

/**
 * Assign a tool, tailored: which sessions of a module (in their order), with or without my support,
 * and for a questionnaire once or every N days.
 */
export function AssignTool({ clientId }: { clientId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const library = useQuery({
    queryKey: ['library'],
    queryFn: async () => data(await api.GET('/api/content/library')).items,
  });
  const [toolId, setToolId] = useState<string | null>(null);
  const tool = (library.data ?? []).find((x) => x.id === toolId);
  const detail = useQuery({
    queryKey: ['library', toolId],
    enabled: tool?.kind === 'module',
    queryFn: async () =>
      data(
        await api.GET('/api/content/library/{toolId}', { params: { path: { toolId: toolId! } } }),
      ) as unknown as {
        definition: { sessions: ModuleSession[] };
      },
  });
  const [sessions, setSessions] = useState<string[] | null>(null);
  const [order, setOrder] = useState<Plan | null>(null);
  const moduleSessions = detail.data?.definition.sessions ?? [];
  const included = sessions ?? moduleSessions.map((s) => s.key);
  const plan = planOf(order ?? defaultPlan(moduleSessions), included);
  const [schedule, setSchedule] = useState('once');
  const [supported, setSupported] = useState(true);
  const assign = useMutation({
    mutationFn: async (everyDays: number) => {
      const tailored = sessions !== null || order !== null;
      return data(
        await api.POST('/api/content/assignments', {
          body: {
            clientId,
            toolId: toolId!,
            ...(tool?.kind === 'module'
              ? { supported, ...(tailored ? { sessions: toSessions(plan) } : {}) }
              : {}),
            ...(tool?.kind === 'questionnaire'
              ? { schedule: schedule === 'repeat' ? { type: 'repeat', everyDays } : { type: 'once' } }
              : {}),
          },
        }),
      );
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['assignments', clientId] }),
  });
  return (
    <section aria-labelledby="assign-heading" className="card">
      <h2 id="assign-heading">{t('assign.title')}</h2>
      <Problem error={library.error} />
      <Form
        className="form"
        validationErrors={fieldErrors(assign.error)}
        onSubmit={(e) => {
          e.preventDefault();
          assign.mutate(Number(new FormData(e.currentTarget).get('everyDays') ?? 14));
        }}
      >
        {assign.isSuccess && (
          <p role="status" className="notice">
            {t('assign.done')}
          </p>
        )}
        <Problem error={assign.error} />
        <Select
          className="field"
          selectedKey={toolId}
          onSelectionChange={(k) => {
            setToolId(String(k));
            setSessions(null);
            setOrder(null);
          }}
          isRequired
        >
          <Label>{t('assign.tool')}</Label>
          <AriaButton className="button button-secondary select-button">
            <SelectValue />
            <span aria-hidden="true"> ▾</span>
          </AriaButton>
          <Popover className="popover">
            <ListBox className="listbox" items={library.data ?? []}>
              {(item) => (
                <ListBoxItem id={item.id} className="listbox-item" textValue={item.title}>
                  {item.title} ({t(`kind.${item.kind}`)})
                </ListBoxItem>
              )}
            </ListBox>
          </Popover>
        </Select>
        {tool?.kind === 'module' && detail.data && (
          <>
            <CheckboxGroup className="checkbox-group" value={included} onChange={setSessions}>
              <Label>{t('assign.sessions')}</Label>
              {detail.data.definition.sessions.map((s) => (
                <Checkbox key={s.key} value={s.key} className="checkbox">
                  <span className="checkbox-box" aria-hidden="true" />
                  {s.title}
                </Checkbox>
              ))}
            </CheckboxGroup>
            {plan.length > 1 && (
              <SessionPlan
                sessions={moduleSessions}
                plan={plan}
                onChange={(next) =>
                  // Left-out sessions wait at the end, single, for when they are put back.
                  setOrder([...next, ...defaultPlan(moduleSessions).filter(([k]) => !included.includes(k!))])
                }
              />
            )}
            <Checkbox isSelected={supported} onChange={setSupported} className="checkbox">
              <span className="checkbox-box" aria-hidden="true" />
              {t('assign.supported')}
            </Checkbox>
          </>
        )}
        {tool?.kind === 'questionnaire' && (
          <>
            <RadioGroup value={schedule} onChange={setSchedule} className="radio-group">
              <Label>{t('assign.schedule')}</Label>
              <Radio value="once" className="radio">
                {t('assign.once')}
              </Radio>
              <Radio value="repeat" className="radio">
                {t('assign.repeat')}
              </Radio>
            </RadioGroup>
            {schedule === 'repeat' && (
              <Field name="everyDays" label={t('assign.everyDays')} defaultValue="14" inputMode="numeric" />
            )}
          </>
        )}
        <Button type="submit" isDisabled={!toolId || assign.isPending}>
          {t('assign.submit')}
        </Button>
      </Form>
    </section>
  );
}
