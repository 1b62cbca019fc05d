import { join } from 'node:path';
import { loadContentDirectory } from '../library/content-files';
import type { DiaryDefinition, ModuleDefinition } from '../library/content-definition';
import { isAnswerBlock } from '../library/content-definition';
import { checkBlockAnswer, checkDiaryEntry, numericValue } from './answer-validation';

const seeds = loadContentDirectory(join(__dirname, '..', '..', '..', '..', 'seeds', 'content'));
const tool = <T>(key: string) => seeds.files.find((f) => f.definition.key === key)!.definition as T;

describe('diary entries', () => {
  const glucose = tool<DiaryDefinition>('blood-glucose-diary');
  const mood = tool<DiaryDefinition>('mood-diary');

  it('accepts a reading within bounds and keeps the note apart as text (to encrypt)', () => {
    const result = checkDiaryEntry(glucose.fields, {
      glucose: 5.4,
      moment: 'fasting',
      time: '07:15',
      note: 'porridge',
    });
    expect(result).toEqual({
      errors: [],
      values: { glucose: 5.4, moment: 'fasting', time: '07:15' },
      texts: { note: 'porridge' },
    });
  });

  it.each([
    [-3, 'must be between 1 and 33.3 mmol/L (got -3)'],
    [40, 'must be between 1 and 33.3 mmol/L (got 40)'],
    [5.45, 'must have at most 1 decimal place'],
    ['5.4', 'must be a number (mmol/L)'],
  ])('refuses a glucose value of %p: %s', (value, message) => {
    const { errors } = checkDiaryEntry(glucose.fields, { glucose: value, moment: 'fasting', time: '07:15' });
    expect(errors).toEqual([{ path: 'values.glucose', message }]);
  });

  it('refuses a scale answer of 11 on 0–10, an unknown option, a bad time, a missing required field and an unknown field', () => {
    const { errors } = checkDiaryEntry(mood.fields, {
      mood: 11,
      sleep: 7,
      bedtime: '24:10',
      activities: ['exercise', 'partying'],
      colour: 'blue',
    });
    expect(errors).toEqual([
      { path: 'values.colour', message: 'is not a field of this diary' },
      { path: 'values.mood', message: 'must be a whole number from 0 to 10 (got 11)' },
      { path: 'values.anxiety', message: 'is required' },
      { path: 'values.bedtime', message: 'must be a time of day, HH:MM (00:00–23:59)' },
      { path: 'values.activities', message: 'must be a list of: exercise, social, outdoors, hobby, chores' },
    ]);
  });

  it('reads scales, numbers and times as numbers for trends', () => {
    const [moodField, , sleep, bedtime, activities] = mood.fields;
    expect(numericValue(moodField, 6)).toBe(6);
    expect(numericValue(sleep, 7.5)).toBe(7.5);
    expect(numericValue(bedtime, '22:30')).toBe(1350);
    expect(numericValue(activities, ['social'])).toBeNull();
  });
});

describe('module exercise answers', () => {
  const cbt = tool<ModuleDefinition>('cbt-low-mood');
  const blocks = cbt.sessions.flatMap((s) => s.pages.flatMap((p) => p.blocks.filter(isAnswerBlock)));
  const block = (key: string) => blocks.find((b) => b.key === key)!;

  it('checks scales, choices and free text', () => {
    expect(checkBlockAnswer(block('mood-now'), 7, 'a')).toEqual({ value: 7 });
    expect(checkBlockAnswer(block('mood-now'), 11, 'a')).toEqual({
      path: 'a',
      message: 'must be a whole number from 0 to 10 (got 11)',
    });
    expect(checkBlockAnswer(block('areas'), ['work', 'work'], 'a')).toEqual({
      path: 'a',
      message: 'names an option twice',
    });
    expect(checkBlockAnswer(block('trap'), 'mind_reading', 'a')).toEqual({ value: 'mind_reading' });
    expect(checkBlockAnswer(block('my-circle'), 'I stayed in bed', 'a')).toEqual({ text: 'I stayed in bed' });
    expect(checkBlockAnswer(block('my-circle'), 42, 'a')).toEqual({ path: 'a', message: 'must be text' });
    expect(checkBlockAnswer(block('hope'), 'x'.repeat(5001), 'a')).toEqual({
      path: 'a',
      message: 'must be at most 5000 characters',
    });
  });
});
