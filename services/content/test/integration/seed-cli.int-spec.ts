import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, runContentCli, serviceEnv, type TestDatabase } from '@therapy-room/testing';
import { seedDirectory } from '../support/content-fixture';
import { setPath } from '../support/json-path';

/** `npm run seed` / `npm start` load the library through content's CLI: the same code, one schema. */
describe('content CLI seed-library (real PostgreSQL)', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  const broken = mkdtempSync(join(tmpdir(), 'content-seeds-'));

  beforeAll(async () => {
    db = await createTestDatabase();
    env = serviceEnv('content', {
      ...(await db.provision('content')),
      KAFKA_TOPIC_PREFIX: `${db.name}.`,
      KAFKA_PROVISION_TOPICS: 'false',
      DATA_MASTER_KEYS: JSON.stringify({ k1: randomBytes(32).toString('base64') }),
      DATA_MASTER_KEY_ID: 'k1',
      LOG_LEVEL: 'error',
    });
    cpSync(seedDirectory, broken, { recursive: true });
    const phq9 = JSON.parse(readFileSync(join(broken, 'phq-9.questionnaire.json'), 'utf8')) as unknown;
    setPath(phq9, 'scoring.bands.4.max', 26);
    setPath(phq9, 'items.8.options', [{ value: 0, label: 'Never' }]);
    writeFileSync(join(broken, 'phq-9.questionnaire.json'), JSON.stringify(phq9));
    writeFileSync(join(broken, 'notes.json'), '{ "kind": ');
  });
  afterAll(async () => {
    rmSync(broken, { recursive: true, force: true });
    await db?.drop();
  });

  it('refuses a directory with broken files, naming file, path and reason, and loads nothing', async () => {
    const result = await runContentCli(['seed-library', '--dir', broken], env);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')).toEqual(
      expect.arrayContaining([
        'Content files refused:',
        expect.stringMatching(/^notes\.json: \(file\): is not valid JSON/),
        'phq-9.questionnaire.json: items.8.options: Too small: expected array to have >=2 items',
      ]),
    );
  });

  it('loads the seeds, and a second run publishes nothing new', async () => {
    const first = await runContentCli(['seed-library'], env);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).tools).toEqual(
      expect.arrayContaining([{ key: 'phq-9', kind: 'questionnaire', revision: 1, published: true }]),
    );
    const again = await runContentCli(['seed-library'], env);
    expect(JSON.parse(again.stdout).tools.every((t: { published: boolean }) => !t.published)).toBe(true);
    const rows = await db.query(`SELECT key FROM content.tool WHERE tenant_id IS NULL ORDER BY key`);
    expect(rows).toHaveLength(5);
  });
});
