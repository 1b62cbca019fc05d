// `npm run contracts:release`: records the event contracts as released (at a release, never edited
// afterwards): every topic's fixture and payload JSON Schema under
// libs/contracts/src/__fixtures__/released/<version>/. libs/contracts/src/released-contracts.spec.ts
// then holds every later contract to them (backward compatibility), in CI.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { eventContracts, topics } from '@therapy-room/contracts';
import { repoRoot } from './service-process';

const version =
  process.argv[2] ??
  (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
const fixtures = join(repoRoot, 'libs', 'contracts', 'src', '__fixtures__');
const target = join(fixtures, 'released', version);
if (existsSync(target)) {
  process.stderr.write(`${target} exists: a release's contracts are never rewritten\n`);
  process.exit(1);
}
mkdirSync(target, { recursive: true });
const schemas: Record<string, unknown> = {};
for (const topic of topics) {
  copyFileSync(join(fixtures, `${topic}.json`), join(target, `${topic}.json`));
  schemas[topic] = z.toJSONSchema(eventContracts[topic].payload, { io: 'input' });
}
writeFileSync(join(target, 'schemas.json'), `${JSON.stringify(schemas, null, 2)}\n`);
process.stdout.write(
  `recorded ${topics.length} contracts as released in ${target} (format: npx prettier --write ${target})\n`,
);
