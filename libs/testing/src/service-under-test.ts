import { randomUUID } from 'node:crypto';
import type { Type } from '@nestjs/common';
import request from 'supertest';
import {
  caseloadAssignmentGrantedV1,
  caseloadAssignmentRevokedV1,
  identityUserProfileChangedV1,
  identityUserRegisteredV1,
  type EventEnvelope,
  type UserRole,
} from '@therapy-room/contracts';
import { internalAudiences, signInternalToken, type Actor, type InternalAudience } from '@therapy-room/auth';
import { expectEventually } from './expect-eventually';
import { startInProcessService, type InProcessService } from './in-process-service';
import { collectTopics, publishEvent } from './kafka-probe';
import { testSigningKey } from './test-infra';

export interface TestPerson {
  id: string;
  tenantId: string;
  role: UserRole;
  name?: string;
  /** Platform staff acting under an access grant to `tenantId` (the gateway's actor carries its id). */
  grantId?: string;
  /** The org admin who approved that grant (the gateway's actor carries it as the responsible user). */
  grantResponsible?: string;
}

/** The client address a test's requests come from, as the gateway would pass it on. */
export const TEST_CLIENT_ADDRESS = '203.0.113.9';

/**
 * A service in the test process on its own database and topics (startInProcessService), with what its
 * tests need from the outside world: the events it published (`events`), other services' events as
 * they publish them (accounts from identity, grants from caseload), and HTTP calls carrying the
 * gateway's internal token and client address.
 */
export async function startServiceUnderTest(
  appModule: Type<unknown>,
  serviceName: string,
  options: { topics?: string[]; env?: Record<string, string>; separateOwner?: boolean } = {},
) {
  const service: InProcessService = await startInProcessService(appModule, serviceName, {
    env: options.env,
    separateOwner: options.separateOwner,
  });
  const schema = service.env.DATABASE_SCHEMA;
  const probe = await collectTopics((options.topics ?? []).map((t) => `${service.prefix}${t}`));

  const events = (topic: string): EventEnvelope<Record<string, unknown>>[] =>
    probe.messages
      .filter((m) => m.topic === `${service.prefix}${topic}`)
      .map((m) => JSON.parse(m.value!.toString()) as EventEnvelope<Record<string, unknown>>);

  const waitForRows = (sql: string, params: unknown[], count: number) =>
    expectEventually(async () => expect(await service.db.query(sql, params)).toHaveLength(count));

  /** Announces accounts as identity does (registration and profile) and waits until the service has them. */
  async function announce(
    tenantId: string,
    specs: { role: UserRole; name: string }[],
  ): Promise<TestPerson[]> {
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
    await waitForRows(
      `SELECT id FROM ${schema}.person WHERE id = ANY($1) AND role IS NOT NULL AND display_name IS NOT NULL`,
      [created.map((p) => p.id)],
      created.length,
    );
    return created;
  }

  /** Caseload grants the professional the client (an assignment, or a link with a window); waits until applied. */
  async function grant(
    professional: TestPerson,
    client: TestPerson,
    window: { kind?: 'assignment' | 'link'; validFrom?: Date | string; validUntil?: Date | string } = {},
  ): Promise<string> {
    const grantId = randomUUID();
    const iso = (d?: Date | string) => (d === undefined ? null : new Date(d).toISOString());
    await publishEvent(
      service.prefix,
      caseloadAssignmentGrantedV1,
      {
        grantId,
        kind: window.kind ?? (window.validUntil ? 'link' : 'assignment'),
        professionalId: professional.id,
        clientId: client.id,
        validFrom: iso(window.validFrom),
        validUntil: iso(window.validUntil),
      },
      { tenantId: client.tenantId, subjectId: client.id },
    );
    await waitForRows(`SELECT 1 FROM ${schema}.caseload_access_grant WHERE grant_id = $1`, [grantId], 1);
    return grantId;
  }

  /** Caseload ends the grant early; waits until the service's read model has applied it. */
  async function revoke(grantId: string, professional: TestPerson, client: TestPerson): Promise<void> {
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
    await waitForRows(
      `SELECT 1 FROM ${schema}.caseload_access_revoked_grant WHERE grant_id = $1`,
      [grantId],
      1,
    );
  }

  const actor = (p: TestPerson): Actor => ({
    userId: p.id,
    tenantId: p.tenantId,
    roles: [p.role],
    region: 'eea',
    sessionId: `session-${p.id}`,
    ...(p.grantId ? { grantId: p.grantId } : {}),
    ...(p.grantResponsible ? { grantResponsible: p.grantResponsible } : {}),
  });
  if (!(internalAudiences as readonly string[]).includes(serviceName)) {
    throw new Error(`${serviceName} is not a service behind the gateway (${internalAudiences.join(', ')})`);
  }
  /** Minted for this service, as the gateway mints it for the service it forwards to. */
  const token = (p: TestPerson) =>
    signInternalToken(actor(p), testSigningKey, serviceName as InternalAudience);

  /** An HTTP call as the gateway makes it: internal token, client address. */
  const as = (p: TestPerson) => {
    const auth = (r: request.Test) =>
      r.set('authorization', `Bearer ${token(p)}`).set('x-client-address', TEST_CLIENT_ADDRESS);
    const agent = request(service.url);
    return {
      get: (path: string) => auth(agent.get(path)),
      post: (path: string, body: object) => auth(agent.post(path)).send(body),
      put: (path: string, body: object) => auth(agent.put(path)).send(body),
      delete: (path: string) => auth(agent.delete(path)),
    };
  };

  return {
    service,
    db: service.db,
    prefix: service.prefix,
    events,
    announce,
    grant,
    revoke,
    actor,
    token,
    as,
    async stop() {
      await probe.stop();
      await service.stop();
    },
  };
}
export type ServiceUnderTest = Awaited<ReturnType<typeof startServiceUnderTest>>;
