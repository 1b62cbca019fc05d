import { useTranslation } from 'react-i18next';
import type { ModuleSession } from '../../api/content-types';
import { Button } from '../../ui/fields';

/** A module's steps as the client will work through them: each step one session or several combined. */
export type Plan = string[][];

export const defaultPlan = (sessions: ModuleSession[]): Plan => sessions.map((s) => [s.key]);

/** The plan without the sessions left out, empty steps dropped. */
export const planOf = (plan: Plan, included: string[]): Plan =>
  plan.map((step) => step.filter((k) => included.includes(k))).filter((step) => step.length > 0);

/** As the API takes it: a session key, or the keys of sessions combined into one step. */
export const toSessions = (plan: Plan): (string | string[])[] =>
  plan.map((step) => (step.length === 1 ? step[0]! : step));

/**
 * The order of the chosen sessions, and which are combined into one step: move a step up or down,
 * combine it with the next, separate a combined step again. Buttons, so a keyboard and a screen
 * reader do all of it (no dragging needed).
 */
export function SessionPlan({
  sessions,
  plan,
  onChange,
}: {
  sessions: ModuleSession[];
  plan: Plan;
  onChange: (plan: Plan) => void;
}) {
  const { t } = useTranslation();
  const title = (key: string) => sessions.find((s) => s.key === key)?.title ?? key;
  const name = (step: string[]) => step.map(title).join(' + ');
  const move = (i: number, by: -1 | 1) => {
    const next = [...plan];
    [next[i], next[i + by]] = [next[i + by]!, next[i]!];
    onChange(next);
  };
  const combine = (i: number) =>
    onChange([...plan.slice(0, i), [...plan[i]!, ...plan[i + 1]!], ...plan.slice(i + 2)]);
  const separate = (i: number) =>
    onChange([...plan.slice(0, i), ...plan[i]!.map((k) => [k]), ...plan.slice(i + 1)]);
  return (
    <div className="session-plan">
      <h3 id="plan-heading">{t('assign.order')}</h3>
      <ol aria-labelledby="plan-heading" className="cards">
        {plan.map((step, i) => (
          <li key={step.join('+')} className="card" data-testid="plan-step">
            <p>{name(step)}</p>
            <div className="actions">
              <Button
                variant="secondary"
                isDisabled={i === 0}
                aria-label={t('assign.moveUp', { name: name(step) })}
                onPress={() => move(i, -1)}
              >
                ↑
              </Button>
              <Button
                variant="secondary"
                isDisabled={i === plan.length - 1}
                aria-label={t('assign.moveDown', { name: name(step) })}
                onPress={() => move(i, 1)}
              >
                ↓
              </Button>
              {i < plan.length - 1 && step.length + plan[i + 1]!.length <= 10 && (
                <Button variant="secondary" onPress={() => combine(i)}>
                  {t('assign.combine')}
                </Button>
              )}
              {step.length > 1 && (
                <Button variant="secondary" onPress={() => separate(i)}>
                  {t('assign.separate')}
                </Button>
              )}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}
