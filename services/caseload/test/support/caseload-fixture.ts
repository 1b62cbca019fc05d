import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
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

export interface Person {
  id: string;
  tenantId: string;
  role: UserRole;
  name: string;
}

type Message = EventEnvelope<Record<string, unknown>>;

/**
 * Caseload in the test process on its own database and topics, fed with identity's events as identity
 * publishes them, and called with the gateway's internal tokens.
 */
export async function startCaseload(topics: string[] = []) {
  const service: InProcessService = await startInProcessService(AppModule, 'caseload');
  const probe = await collectTopics(topics.map((t) => `${service.prefix}${t}`));

  const events = (topic: string): Message[] =>
    probe.messages
      .filter((m) => m.topic === `${service.prefix}${topic}`)
      .map((m) => JSON.parse(m.value!.toString()) as Message);

  /** Announces accounts as identity does (registration and profile), and waits until caseload has them. */
  async function people(tenantId: string, specs: { role: UserRole; name: string }[]): Promise<Person[]> {
    const created = specs.map((s) => ({ ...s, id: randomUUID(), tenantId }));
    await Promise.all(
      created.flatMap((p) => [
        publishEvent(
          service.prefix,
          identityUserRegisteredV1,
          { userId: p.id, role: p.role },
          {
            tenantId,
            subjectId: p.id,
          },
        ),
        publishEvent(
          service.prefix,
          identityUserProfileChangedV1,
          { userId: p.id, displayName: p.name },
          {
            tenantId,
            subjectId: p.id,
          },
        ),
      ]),
    );
    await expectEventually(async () => {
      const rows = await service.db.query<{ id: string }>(
        `SELECT id FROM caseload.person WHERE id = ANY($1) AND role IS NOT NULL AND display_name IS NOT NULL`,
        [created.map((p) => p.id)],
      );
      expect(rows).toHaveLength(created.length);
    });
    return created;
  }

  const actor = (p: Person): Actor => ({
    userId: p.id,
    tenantId: p.tenantId,
    roles: [p.role],
    region: 'eea',
    sessionId: `session-${p.id}`,
  });

  /** An HTTP call as the gateway makes it: internal token, client address, request id. */
  const as = (p: Person) => {
    const auth = (r: request.Test) =>
      r
        .set('authorization', `Bearer ${signInternalToken(actor(p), testSigningKey)}`)
        .set('x-client-address', '203.0.113.9');
    const agent = request(service.url);
    return {
      get: (path: string) => auth(agent.get(path)),
      post: (path: string, body: object) => auth(agent.post(path)).send(body),
      delete: (path: string) => auth(agent.delete(path)),
    };
  };

  return {
    service,
    db: service.db,
    prefix: service.prefix,
    events,
    people,
    as,
    async stop() {
      await probe.stop();
      await service.stop();
    },
  };
}
export type CaseloadFixture = Awaited<ReturnType<typeof startCaseload>>;
