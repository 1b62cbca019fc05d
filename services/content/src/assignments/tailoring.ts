import type { FieldError } from '@therapy-room/platform';
import type { ModuleDefinition } from '../library/content-definition';

type Session = ModuleDefinition['sessions'][number];

/** A professional's choice: session keys in order; a list of keys is one step combining those sessions. */
export type SessionChoice = (string | string[])[];

/** The stored form of a choice: the sessions in order, and the sizes of combined steps (null: none). */
export function flattenChoice(choice: SessionChoice): { sessions: string[]; stepSizes: number[] | null } {
  const stepSizes = choice.map((step) => (Array.isArray(step) ? step.length : 1));
  return { sessions: choice.flat(), stepSizes: stepSizes.some((n) => n > 1) ? stepSizes : null };
}

/** The steps the client works through: each a list of one or more session keys, in order. */
export function stepsOf(sessions: string[], stepSizes: number[] | null): string[][] {
  if (!stepSizes) return sessions.map((k) => [k]);
  const steps: string[][] = [];
  let at = 0;
  for (const size of stepSizes) {
    steps.push(sessions.slice(at, at + size));
    at += size;
  }
  return steps;
}

/** The stored form back as a choice (a combined step as a list, a single session as its key). */
export function choiceOf(sessions: string[] | null, stepSizes: number[] | null): SessionChoice | null {
  return sessions ? stepsOf(sessions, stepSizes).map((step) => (step.length === 1 ? step[0] : step)) : null;
}

/**
 * A professional's choice of sessions for one client, checked against the module: every key must be
 * a session of this revision and appear once (also across combined steps). Null (no choice) means
 * every session, as published.
 */
export function checkSessionChoice(
  module: ModuleDefinition,
  choice: SessionChoice | null | undefined,
): FieldError[] {
  if (!choice) return [];
  const known = new Set(module.sessions.map((s) => s.key));
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const positioned = choice.flatMap((step, i) =>
    Array.isArray(step)
      ? step.map((key, j) => ({ key, path: `sessions.${i}.${j}` }))
      : [{ key: step, path: `sessions.${i}` }],
  );
  for (const { key, path } of positioned) {
    if (seen.has(key)) errors.push({ path, message: `names session "${key}" twice` });
    else if (!known.has(key))
      errors.push({
        path,
        message: `"${key}" is not a session of this module (sessions: ${[...known].join(', ')})`,
      });
    seen.add(key);
  }
  return errors;
}

/** The module as this client sees it: the chosen sessions, in the chosen order. */
export function tailoredSessions(module: ModuleDefinition, sessions: string[] | null): Session[] {
  if (!sessions) return module.sessions;
  const byKey = new Map(module.sessions.map((s) => [s.key, s]));
  return sessions.flatMap((k) => (byKey.has(k) ? [byKey.get(k)!] : []));
}
