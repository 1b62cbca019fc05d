import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const src = join(__dirname, '..', 'src');
type Tree = { [key: string]: string | Tree };
const load = (lng: string) => JSON.parse(readFileSync(join(src, 'locales', `${lng}.json`), 'utf8')) as Tree;
const flat = (tree: Tree, prefix = ''): string[] =>
  Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [prefix + k] : flat(v, `${prefix}${k}.`),
  );
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) =>
    statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)],
  );

describe('the browser app has all its text in English, Dutch and German', () => {
  const en = new Set(flat(load('en')));

  it.each(['nl', 'de'])('%s has exactly the keys of English, none empty', (lng) => {
    const tree = load(lng);
    expect(flat(tree).sort()).toEqual([...en].sort());
    const values = JSON.stringify(tree).match(/:""/g);
    expect(values).toBeNull();
  });

  it('every fixed key the screens ask for exists (plural keys as _one/_other)', () => {
    const used = new Set<string>();
    for (const file of files(src).filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'))) {
      for (const [, key] of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g))
        used.add(key!);
    }
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].filter((k) => !en.has(k) && !(en.has(`${k}_one`) && en.has(`${k}_other`)));
    expect(missing).toEqual([]);
  });

  it('the navigation keys by role exist', () => {
    const nav = readFileSync(join(src, 'app.tsx'), 'utf8').matchAll(/key: '([a-zA-Z.]+)'/g);
    const missing = [...nav].map((m) => m[1]!).filter((k) => !en.has(k));
    expect(missing).toEqual([]);
  });
});
