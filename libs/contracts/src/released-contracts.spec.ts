import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { breakingChanges, type JsonSchema } from './compatibility';
import { eventContracts, topics } from './registry';

// Each release's contracts as released (`npm run contracts:release` at a release; never edited): its
// fixtures and payload schemas. Services are released one at a time, so every consumer must still read
// what any released producer writes, and find every field it read before.
const releasedRoot = join(__dirname, '__fixtures__', 'released');
const releases = readdirSync(releasedRoot);
const registered = new Set<string>(topics);
const read = (...path: string[]) => JSON.parse(readFileSync(join(releasedRoot, ...path), 'utf8')) as unknown;

const cases = releases.flatMap((release) =>
  readdirSync(join(releasedRoot, release))
    .filter((f) => f !== 'schemas.json')
    .map((f) => f.replace(/\.json$/, ''))
    .filter((topic) => registered.has(topic))
    .map((topic) => [release, topic] as const),
);

describe('event contracts against every release', () => {
  it('has at least one release recorded', () => {
    expect(releases.length).toBeGreaterThan(0);
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases)("%s %s: the released producer's message still parses", (release, topic) => {
    const result = eventContracts[topic as keyof typeof eventContracts].message.safeParse(
      read(release, `${topic}.json`),
    );
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it.each(cases)(
    '%s %s: the payload schema changed compatibly (or the change is a new vN+1 topic)',
    (release, topic) => {
      const released = (read(release, 'schemas.json') as Record<string, JsonSchema>)[topic];
      const current = z.toJSONSchema(eventContracts[topic as keyof typeof eventContracts].payload, {
        io: 'input',
      });
      expect(breakingChanges(released, current as JsonSchema)).toEqual([]);
    },
  );
});
