import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  caseloadAssignmentGrantedV1,
  caseloadAssignmentRevokedV1,
  identityUserProfileChangedV1,
  identityUserRegisteredV1,
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
import { openEventStream } from './event-stream';

export interface Person {
  id: string;
  tenantId: string;
  role: UserRole;
  name: string;
}

type Message = EventEnvelope<Record<string, unknown>>;

/**
 * Messaging in the test process on its own database and topics, fed with identity's and caseload's
 * events as those services publish them, and called with the gateway's internal tokens.
 */
export async function startMessaging(topics: string[] = [], env: Record<string, string> = {}) {
  const exportRoot = mkdtempSync(join(tmpdir(), 'messaging-export-'));
  const service: InProcessService = await startInProcessService(AppModule, 'messaging', {
    env: {
      DATA_MASTER_KEYS: JSON.stringify({ k1: randomBytes(32).toString('base64') }),
      DATA_MASTER_KEY_ID: 'k1',
      EXPORT_ROOT: exportRoot,
      ...env,
    },
  });
  const probe = await collectTopics(topics.map((t) => `${service.prefix}${t}`));

  const events = (topic: string): Message[] =>
    probe.messages
      .filter((m) => m.topic === `${service.prefix}${topic}`)
      .map((m) => JSON.parse(m.value!.toString()) as Message);

  /** Announces accounts as identity does (registration and profile), and waits until messaging has them. */
  async function people(tenantId: string, specs: { role: UserRole; name: string }[]): Promise<Person[]> {
    const created = specs.map((s) => ({ ...s, id: randomUUID(), tenantId }));
    await Promise.all(
      created.flatMap((p) => [
        publishEvent(
          service.prefix,
          identityUserRegisteredV1,
          { userId: p.id, role: p.role },
          { tenantId, subjectId: p.id },
        ),
        publishEvent(
          service.prefix,
          identityUserProfileChangedV1,
          { userId: p.id, displayName: p.name },
          { tenantId, subjectId: p.id },
        ),
      ]),
    );
    await expectEventually(async () => {
      const rows = await service.db.query<{ id: string }>(
        `SELECT id FROM messaging.person WHERE id = ANY($1) AND role IS NOT NULL AND display_name IS NOT NULL`,
        [created.map((p) => p.id)],
      );
      expect(rows).toHaveLength(created.length);
    });
    return created;
  }

  /** Caseload grants a professional access to a client (assignment or time-boxed link); waits until applied. */
  async function grant(
    professional: Person,
    client: Person,
    window: { kind?: 'assignment' | 'link'; validFrom?: Date; validUntil?: Date } = {},
  ): Promise<{ grantId: string; professional: Person; client: Person }> {
    const grantId = randomUUID();
    await publishEvent(
      service.prefix,
      caseloadAssignmentGrantedV1,
      {
        grantId,
        kind: window.kind ?? (window.validUntil ? 'link' : 'assignment'),
        professionalId: professional.id,
        clientId: client.id,
        validFrom: window.validFrom?.toISOString() ?? null,
        validUntil: window.validUntil?.toISOString() ?? null,
      },
      { tenantId: client.tenantId, subjectId: client.id },
    );
    await expectEventually(async () => {
      const rows = await service.db.query(
        `SELECT 1 FROM messaging.caseload_access_grant WHERE grant_id = $1`,
        [grantId],
      );
      expect(rows).toHaveLength(1);
    });
    return { grantId, professional, client };
  }

  async function revoke(g: { grantId: string; professional: Person; client: Person }): Promise<void> {
    await publishEvent(
      service.prefix,
      caseloadAssignmentRevokedV1,
      {
        grantId: g.grantId,
        kind: 'assignment',
        professionalId: g.professional.id,
        clientId: g.client.id,
        reason: 'removed',
      },
      { tenantId: g.client.tenantId, subjectId: g.client.id },
    );
    await expectEventually(async () => {
      const rows = await service.db.query(
        `SELECT 1 FROM messaging.caseload_access_grant WHERE grant_id = $1`,
        [g.grantId],
      );
      expect(rows).toHaveLength(0);
    });
  }

  const actor = (p: Person): Actor => ({
    userId: p.id,
    tenantId: p.tenantId,
    roles: [p.role],
    region: 'eea',
    sessionId: `session-${p.id}`,
  });
  const token = (p: Person) => signInternalToken(actor(p), testSigningKey);

  /** An HTTP call as the gateway makes it: internal token, client address. */
  const as = (p: Person) => {
    const auth = (r: request.Test) =>
      r.set('authorization', `Bearer ${token(p)}`).set('x-client-address', '203.0.113.9');
    const agent = request(service.url);
    return {
      get: (path: string) => auth(agent.get(path)),
      post: (path: string, body: object) => auth(agent.post(path)).send(body),
      put: (path: string, body: object) => auth(agent.put(path)).send(body),
    };
  };

  /** Starts the conversation (as a professional with clientId, as a client with professionalId). */
  const start = async (by: Person, other: Person): Promise<string> => {
    const res = await as(by).post(
      '/messaging/conversations',
      by.role === 'client' ? { professionalId: other.id } : { clientId: other.id },
    );
    if (res.status !== 201 && res.status !== 200)
      throw new Error(`start answered ${res.status}: ${res.text}`);
    return res.body.id as string;
  };

  const send = (by: Person, conversationId: string, body: string, id: string = randomUUID()) =>
    as(by).post(`/messaging/conversations/${conversationId}/messages`, { id, body });

  /** The person's live stream, straight from messaging (as the gateway opens it). */
  const stream = (p: Person) =>
    openEventStream(`${service.url}/messaging/stream`, {
      authorization: `Bearer ${token(p)}`,
      'x-client-address': '203.0.113.9',
    });

  return {
    service,
    db: service.db,
    prefix: service.prefix,
    exportRoot,
    events,
    people,
    grant,
    revoke,
    as,
    start,
    send,
    stream,
    async stop() {
      await probe.stop();
      await service.stop();
    },
  };
}
export type MessagingFixture = Awaited<ReturnType<typeof startMessaging>>;
