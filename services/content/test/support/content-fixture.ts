import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { v7 as uuidv7 } from 'uuid';
import {
  caseloadAssignmentGrantedV1,
  caseloadAssignmentRevokedV1,
  type EventEnvelope,
  type UserRole,
} from '@therapy-room/contracts';
import { signInternalToken, type Actor } from '@therapy-room/auth';
import {
  collectTopics,
  expectEventually,
  publishEvent,
  startInProcessService,
  testSigningKey,
  type InProcessService,
} from '@therapy-room/testing';
import { AppModule } from '../../src/app.module';
import { LibraryService } from '../../src/library/library.service';
import { loadContentDirectory } from '../../src/library/content-files';

export interface Person {
  id: string;
  tenantId: string;
  role: UserRole;
}

type Message = EventEnvelope<Record<string, unknown>>;

export const seedDirectory = join(__dirname, '..', '..', '..', '..', 'seeds', 'content');

/**
 * Content in the test process on its own database and topics, with the seeded library, a master key
 * and an export root of its own; caseload grants arrive as caseload publishes them; HTTP calls carry
 * the gateway's internal tokens.
 */
export async function startContent(topics: string[] = [], env: Record<string, string> = {}) {
  const exportRoot = mkdtempSync(join(tmpdir(), 'content-exports-'));
  const service: InProcessService = await startInProcessService(AppModule, 'content', {
    env: {
      DATA_MASTER_KEYS: JSON.stringify({ 'test-1': randomBytes(32).toString('base64') }),
      DATA_MASTER_KEY_ID: 'test-1',
      EXPORT_ROOT: exportRoot,
      ...env,
    },
  });
  const probe = await collectTopics(topics.map((t) => `${service.prefix}${t}`));
  const { files, errors } = loadContentDirectory(seedDirectory);
  if (errors.length) throw new Error(`seeds are broken: ${JSON.stringify(errors)}`);
  const seeded = await service.app.get(LibraryService).seedPlatform(files);
  const tool = (key: string) => {
    const found = seeded.find((s) => s.key === key);
    if (!found) throw new Error(`no seeded tool ${key}`);
    return found;
  };

  const events = (topic: string): Message[] =>
    probe.messages
      .filter((m) => m.topic === `${service.prefix}${topic}`)
      .map((m) => JSON.parse(m.value!.toString()) as Message);

  const people = (tenantId: string, roles: UserRole[]): Person[] =>
    roles.map((role) => ({ id: randomUUID(), tenantId, role }));

  /** Puts the client in the professional's caseload as caseload does (an event), and waits for it. */
  async function grant(professional: Person, client: Person, window: { validUntil?: string } = {}) {
    const grantId = uuidv7();
    await publishEvent(
      service.prefix,
      caseloadAssignmentGrantedV1,
      {
        grantId,
        kind: window.validUntil ? 'link' : 'assignment',
        professionalId: professional.id,
        clientId: client.id,
        validFrom: null,
        validUntil: window.validUntil ?? null,
      },
      { tenantId: client.tenantId, subjectId: client.id },
    );
    await expectEventually(async () => {
      const rows = await service.db.query(`SELECT 1 FROM content.caseload_access_grant WHERE grant_id = $1`, [
        grantId,
      ]);
      expect(rows).toHaveLength(1);
    });
    return grantId;
  }

  async function revoke(grantId: string, professional: Person, client: Person) {
    await publishEvent(
      service.prefix,
      caseloadAssignmentRevokedV1,
      {
        grantId,
        kind: 'assignment',
        professionalId: professional.id,
        clientId: client.id,
        reason: 'removed',
      },
      { tenantId: client.tenantId, subjectId: client.id },
    );
    await expectEventually(async () => {
      const rows = await service.db.query(
        `SELECT 1 FROM content.caseload_access_revoked_grant WHERE grant_id = $1`,
        [grantId],
      );
      expect(rows).toHaveLength(1);
    });
  }

  const actor = (p: Person): Actor => ({
    userId: p.id,
    tenantId: p.tenantId,
    roles: [p.role],
    region: 'eea',
    sessionId: `session-${p.id}`,
  });

  /** An HTTP call as the gateway makes it: internal token, client address. */
  const as = (p: Person) => {
    const auth = (r: request.Test) =>
      r
        .set('authorization', `Bearer ${signInternalToken(actor(p), testSigningKey)}`)
        .set('x-client-address', '203.0.113.9');
    const agent = request(service.url);
    return {
      get: (path: string) => auth(agent.get(path)),
      post: (path: string, body: object) => auth(agent.post(path)).send(body),
      put: (path: string, body: object) => auth(agent.put(path)).send(body),
      delete: (path: string) => auth(agent.delete(path)),
    };
  };

  /** A public call (no token), as the gateway forwards the share-link route. */
  const anonymous = () => ({
    post: (path: string, body: object) =>
      request(service.url).post(path).set('x-client-address', '198.51.100.7').send(body),
  });

  return {
    service,
    db: service.db,
    prefix: service.prefix,
    exportRoot,
    seeded,
    tool,
    events,
    people,
    grant,
    revoke,
    as,
    anonymous,
    async stop() {
      await probe.stop();
      await service.stop();
      rmSync(exportRoot, { recursive: true, force: true });
    },
  };
}
export type ContentFixture = Awaited<ReturnType<typeof startContent>>;
