import { randomBytes, randomUUID } from 'node:crypto';
import {
  auditEntryRecordedV1,
  contentErasureCompletedV1,
  contractFor,
  erasureParticipants,
  identityTenantCreatedV1,
  retentionErasureCancelledV1,
  retentionErasureRequestedV1,
  retentionErasureScheduledV1,
  retentionExportRequestedV1,
  retentionPolicyChangedV1,
  type Region,
} from '@therapy-room/contracts';
import { Clock, FixedClock } from '@therapy-room/platform';
import { expectEventually, publishEvent, startServiceUnderTest } from '@therapy-room/testing';
import { AppModule } from '../../src/app.module';
import { SagaDriver } from '../../src/saga/saga-driver';

/**
 * Retention in the test process on its own database and topics, its clock fixed (tests move it), its
 * driver ticked by the test (the interval is an hour). Participants are played by the test: it
 * publishes their `*.erasure.completed.v1` as their outboxes would.
 */
export async function startRetention(env: Record<string, string> = {}) {
  const fx = await startServiceUnderTest(AppModule, 'retention', {
    topics: [
      retentionErasureRequestedV1.topic,
      retentionErasureScheduledV1.topic,
      retentionErasureCancelledV1.topic,
      retentionExportRequestedV1.topic,
      retentionPolicyChangedV1.topic,
      auditEntryRecordedV1.topic,
    ],
    env: {
      RETENTION_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
      RETENTION_TICK_SECONDS: '3600',
      RETENTION_CONFIRM_TIMEOUT_SECONDS: '600',
      RETENTION_MAX_ATTEMPTS: '3',
      ...env,
    },
  });
  const clock = new FixedClock(new Date('2030-01-01T09:00:00Z'));
  jest.spyOn(fx.service.app.get(Clock), 'now').mockImplementation(() => clock.now());
  const schema = fx.service.env.DATABASE_SCHEMA;

  /** An organisation as identity announces it, with two org admins, a professional and their client. */
  async function organisation(region: Region = 'eea') {
    const tenantId = randomUUID();
    await publishEvent(
      fx.prefix,
      identityTenantCreatedV1,
      { tenantId, slug: `org-${tenantId.slice(0, 8)}`, region, professionalSeats: 5 },
      { tenantId },
    );
    const [admin, admin2, pro, client, other] = await fx.announce(tenantId, [
      { role: 'org_admin', name: 'Anna Admin' },
      { role: 'org_admin', name: 'Bert Admin' },
      { role: 'professional', name: 'Petra Professional' },
      { role: 'client', name: 'Karel Client' },
      { role: 'client', name: 'Olga Other' },
    ]);
    await fx.grant(pro, client);
    await expectEventually(async () =>
      expect(
        await fx.db.query(`SELECT 1 FROM ${schema}.retention_policy WHERE tenant_id = $1`, [tenantId]),
      ).toHaveLength(1),
    );
    return { tenantId, admin, admin2, pro, client, other };
  }

  /** The events of a topic about one request. */
  const eventsOf = (topic: string, requestId: string) =>
    fx.events(topic).filter((e) => (e.payload as { requestId?: string }).requestId === requestId);

  /** Every participant the registry names confirms (optionally all but some). */
  async function confirmAll(
    request: { id: string },
    envelope: { tenantId: string; subjectId: string },
    options: { except?: string[]; counts?: Record<string, number> } = {},
  ) {
    for (const p of erasureParticipants()) {
      if (options.except?.includes(p.service)) continue;
      await publishEvent(
        fx.prefix,
        contractFor(p.topic)! as typeof contentErasureCompletedV1,
        { requestId: request.id },
        envelope,
      );
    }
  }

  return {
    ...fx,
    schema,
    clock,
    organisation,
    eventsOf,
    confirmAll,
    tick: () => fx.service.app.get(SagaDriver).tick(),
  };
}
export type RetentionFixture = Awaited<ReturnType<typeof startRetention>>;
