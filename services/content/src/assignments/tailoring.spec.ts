import type { ModuleDefinition } from '../library/content-definition';
import { checkSessionChoice, choiceOf, flattenChoice, stepsOf, tailoredSessions } from './tailoring';

const cbt = {
  kind: 'module',
  key: 'm',
  title: 'M',
  language: 'en',
  sessions: ['one', 'two', 'three', 'four'].map((key) => ({
    key,
    title: key,
    pages: [{ key: 'p', title: 'P', blocks: [{ type: 'text', markdown: 'x' }] }],
  })),
} as ModuleDefinition;

describe('tailoring a module', () => {
  it('keeps every session in the published order without a choice', () => {
    expect(tailoredSessions(cbt, null).map((s) => s.key)).toEqual(['one', 'two', 'three', 'four']);
    expect(checkSessionChoice(cbt, undefined)).toEqual([]);
  });

  it('takes a subset in the chosen order', () => {
    expect(checkSessionChoice(cbt, ['three', 'one'])).toEqual([]);
    expect(tailoredSessions(cbt, ['three', 'one']).map((s) => s.key)).toEqual(['three', 'one']);
  });

  it('refuses a session named twice and an unknown session, naming the position', () => {
    expect(checkSessionChoice(cbt, ['two', 'five', 'two'])).toEqual([
      {
        path: 'sessions.1',
        message: '"five" is not a session of this module (sessions: one, two, three, four)',
      },
      { path: 'sessions.2', message: 'names session "two" twice' },
    ]);
  });

  it('combines sessions into one step, stored as the order and the sizes of the steps', () => {
    const choice = ['two', ['one', 'three'], 'four'];
    expect(checkSessionChoice(cbt, choice)).toEqual([]);
    expect(flattenChoice(choice)).toEqual({
      sessions: ['two', 'one', 'three', 'four'],
      stepSizes: [1, 2, 1],
    });
    expect(stepsOf(['two', 'one', 'three', 'four'], [1, 2, 1])).toEqual([
      ['two'],
      ['one', 'three'],
      ['four'],
    ]);
    expect(choiceOf(['two', 'one', 'three', 'four'], [1, 2, 1])).toEqual(choice);
    expect(flattenChoice(['two', 'one'])).toEqual({ sessions: ['two', 'one'], stepSizes: null });
    expect(stepsOf(['two', 'one'], null)).toEqual([['two'], ['one']]);
  });

  it('refuses a session named twice across combined steps, pointing inside the step', () => {
    expect(checkSessionChoice(cbt, ['one', ['two', 'one']])).toEqual([
      { path: 'sessions.1.1', message: 'names session "one" twice' },
    ]);
  });
});
