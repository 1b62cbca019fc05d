import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatContentFileErrors,
  loadContentDirectory,
  parseContentFile,
  type ContentFileError,
} from './content-files';

const seedDir = join(__dirname, '..', '..', '..', '..', 'seeds', 'content');
const phq9 = () => JSON.parse(readFileSync(join(seedDir, 'phq-9.questionnaire.json'), 'utf8')) as unknown;

/** Sets a value inside parsed JSON by a dotted path ('scoring.bands.2.min'). */
function setPath(target: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys[keys.length - 1]] = value;
}

describe('content files (seeds/content)', () => {
  it('every shipped file is valid: a CBT module of at least 4 sessions with exercises, two diaries, PHQ-9 and GAD-7', () => {
    const { files, errors } = loadContentDirectory(seedDir);
    expect(errors).toEqual([]);
    const byKey = Object.fromEntries(files.map((f) => [f.definition.key, f.definition]));
    expect(Object.keys(byKey).sort()).toEqual([
      'blood-glucose-diary',
      'cbt-low-mood',
      'gad-7',
      'mood-diary',
      'phq-9',
    ]);
    const cbt = byKey['cbt-low-mood'];
    if (cbt.kind !== 'module') throw new Error('not a module');
    expect(cbt.sessions.length).toBeGreaterThanOrEqual(4);
    for (const s of cbt.sessions) {
      expect(s.pages.some((p) => p.blocks.some((b) => b.type === 'exercise'))).toBe(true);
    }
    const glucose = byKey['blood-glucose-diary'];
    expect(glucose.kind === 'diary' && glucose.fields[0]).toMatchObject({
      type: 'number',
      unit: 'mmol/L',
      min: 1,
      max: 33.3,
    });
  });

  it('names the file, the path inside it and the reason, for every problem at once', () => {
    const broken = phq9();
    setPath(broken, 'scoring.bands.2.min', 11);
    setPath(broken, 'items.8.key', 'phq9-1');
    setPath(broken, 'colour', 'blue');
    const errors = parseContentFile('phq-9.questionnaire.json', JSON.stringify(broken));
    expect(Array.isArray(errors)).toBe(true);
    expect(
      formatContentFileErrors(errors as ContentFileError[])
        .split('\n')
        .sort(),
    ).toEqual(['phq-9.questionnaire.json: colour: is not allowed']);
    setPath(broken, 'colour', undefined);
    const rest = parseContentFile('phq-9.questionnaire.json', JSON.stringify(broken)) as ContentFileError[];
    expect(formatContentFileErrors(rest).split('\n').sort()).toEqual([
      'phq-9.questionnaire.json: items.8.key: item "phq9-1" appears twice',
      'phq-9.questionnaire.json: scoring.bands.2.min: band "moderate" must start at 10 (right after "mild")',
      'phq-9.questionnaire.json: scoring.flags.0.item: unknown item "phq9-9"',
    ]);
  });

  it.each([
    [
      'a band that leaves a gap',
      'scoring.bands.2.min',
      11,
      'scoring.bands.2.min',
      'band "moderate" must start at 10 (right after "mild")',
    ],
    [
      'bands that stop short',
      'scoring.bands.4.max',
      26,
      'scoring.bands',
      'bands end at 26, but a total can be 27',
    ],
    ['an item key used twice', 'items.8.key', 'phq9-1', 'items.8.key', 'item "phq9-1" appears twice'],
    [
      'a flag on an unknown item',
      'scoring.flags.0.item',
      'phq9-10',
      'scoring.flags.0.item',
      'unknown item "phq9-10"',
    ],
    ['an unknown field', 'colour', 'blue', 'colour', 'is not allowed'],
    ['an unknown kind', 'kind', 'quiz', 'kind', expect.any(String)],
    [
      'a key that is not a key',
      'key',
      'PHQ 9',
      'key',
      'must be a key: lower-case letters, digits, "-" or "_" (max 64)',
    ],
  ])('refuses %s', (_name, breakPath, value, path, message) => {
    const q = phq9();
    setPath(q, breakPath, value);
    const errors = parseContentFile('phq-9.questionnaire.json', JSON.stringify(q));
    expect(errors).toEqual(expect.arrayContaining([{ file: 'phq-9.questionnaire.json', path, message }]));
  });

  it('refuses a directory with one broken file as a whole, listing every problem, and a key used by two files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'content-seeds-'));
    try {
      writeFileSync(join(dir, 'a.json'), JSON.stringify(phq9()));
      writeFileSync(join(dir, 'b.json'), JSON.stringify(phq9()));
      writeFileSync(join(dir, 'c.json'), '{ "kind": "diary", ');
      writeFileSync(
        join(dir, 'd.json'),
        JSON.stringify({
          kind: 'diary',
          key: 'sleep',
          title: 'Sleep',
          fields: [{ type: 'number', key: 'h', label: 'Hours', unit: 'h', min: 24, max: 0 }],
        }),
      );
      const { files, errors } = loadContentDirectory(dir);
      expect(files).toEqual([]);
      expect(errors).toEqual([
        { file: 'b.json', path: 'key', message: '"phq-9" is also the key of a.json' },
        { file: 'c.json', path: '(file)', message: expect.stringMatching(/^is not valid JSON/) },
        { file: 'd.json', path: 'fields.0.max', message: 'max must be greater than min' },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
