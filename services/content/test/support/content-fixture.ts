import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { UserRole } from '@therapy-room/contracts';
import { startServiceUnderTest, type TestPerson } from '@therapy-room/testing';
import { AppModule } from '../../src/app.module';
import { LibraryService } from '../../src/library/library.service';
import { loadContentDirectory } from '../../src/library/content-files';

export type Person = TestPerson;

export const seedDirectory = join(__dirname, '..', '..', '..', '..', 'seeds', 'content');

/**
 * Content in the test process on its own database and topics, with the seeded library, a master key
 * and an export root of its own; caseload grants arrive as caseload publishes them; HTTP calls carry
 * the gateway's internal tokens.
 */
export async function startContent(topics: string[] = [], env: Record<string, string> = {}) {
  const exportRoot = mkdtempSync(join(tmpdir(), 'content-exports-'));
  const fixture = await startServiceUnderTest(AppModule, 'content', {
    topics,
    env: {
      DATA_MASTER_KEYS: JSON.stringify({ 'test-1': randomBytes(32).toString('base64') }),
      DATA_MASTER_KEY_ID: 'test-1',
      EXPORT_ROOT: exportRoot,
      ...env,
    },
  });
  const { service } = fixture;
  const { files, errors } = loadContentDirectory(seedDirectory);
  if (errors.length) throw new Error(`seeds are broken: ${JSON.stringify(errors)}`);
  const seeded = await service.app.get(LibraryService).seedPlatform(files);
  const tool = (key: string) => {
    const found = seeded.find((s) => s.key === key);
    if (!found) throw new Error(`no seeded tool ${key}`);
    return found;
  };

  const people = (tenantId: string, roles: UserRole[]): Person[] =>
    roles.map((role) => ({ id: randomUUID(), tenantId, role }));

  /** A public call (no token), as the gateway forwards the share-link route. */
  const anonymous = () => ({
    post: (path: string, body: object) =>
      request(service.url).post(path).set('x-client-address', '198.51.100.7').send(body),
  });

  return {
    ...fixture,
    exportRoot,
    seeded,
    tool,
    people,
    anonymous,
    async stop() {
      await fixture.stop();
      rmSync(exportRoot, { recursive: true, force: true });
    },
  };
}
export type ContentFixture = Awaited<ReturnType<typeof startContent>>;
