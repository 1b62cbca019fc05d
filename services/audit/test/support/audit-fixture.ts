import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import {
  auditEntryBatchRecordedV1,
  auditEntryRecordedV1,
  type AuditEntryBatchRecordedV1,
  type AuditEntryRecordedV1,
} from '@therapy-room/contracts';
import {
  expectEventually,
  publishEvent,
  startServiceUnderTest,
  type TestPerson,
} from '@therapy-room/testing';
import { AppModule } from '../../src/app.module';
import { VerifyService } from '../../src/verify/verify.service';

export type Person = TestPerson;

export const ed25519Pem = (): string =>
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** Keys of one test file: pseudonyms and checkpoint signing (two kids, the newer one signing). */
export function auditTestEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    AUDIT_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
    AUDIT_SIGNING_KEYS: JSON.stringify({ 'audit-old': ed25519Pem(), 'audit-test': ed25519Pem() }),
    AUDIT_SIGNING_KEY_ID: 'audit-test',
    ...overrides,
  };
}

/**
 * Audit in the test process on its own database (schema owned by audit_owner, run as audit_svc) and
 * topics; `entry`/`batch` publish audit entries as the services' outboxes do, `records` waits for them.
 */
export async function startAudit(topics: string[] = [], env: Record<string, string> = {}) {
  const fixture = await startServiceUnderTest(AppModule, 'audit', {
    topics,
    env: auditTestEnv(env),
    separateOwner: true,
  });
  const schema = fixture.service.env.DATABASE_SCHEMA;

  const entry = (
    tenantId: string,
    subjectId: string | null,
    payload: Partial<AuditEntryRecordedV1> & Pick<AuditEntryRecordedV1, 'action' | 'actorId'>,
    envelope: { id?: string; occurredAt?: string } = {},
  ) =>
    publishEvent(
      fixture.prefix,
      auditEntryRecordedV1,
      {
        outcome: 'success',
        actorRole: 'professional',
        resource: 'caseload.entry',
        resourceId: randomUUID(),
        sourceAddress: '203.0.113.7',
        requestId: randomUUID(),
        ...payload,
      },
      { tenantId, subjectId, ...envelope },
    );

  const batch = (
    tenantId: string,
    payload: Partial<AuditEntryBatchRecordedV1> &
      Pick<AuditEntryBatchRecordedV1, 'action' | 'actorId' | 'subjects'>,
  ) =>
    publishEvent(
      fixture.prefix,
      auditEntryBatchRecordedV1,
      {
        outcome: 'success',
        actorRole: 'professional',
        resource: 'caseload.entry',
        sourceAddress: '203.0.113.7',
        requestId: randomUUID(),
        ...payload,
      },
      { tenantId, subjectId: null },
    );

  /** Waits until the organisation's log holds `count` records; answers them in position order. */
  const records = (tenantId: string, count: number) =>
    expectEventually(async () => {
      const rows = await fixture.db.query<Record<string, unknown>>(
        `SELECT * FROM ${schema}.audit_record WHERE tenant_id = $1 ORDER BY position`,
        [tenantId],
      );
      expect(rows).toHaveLength(count);
      return rows;
    });

  return {
    ...fixture,
    schema,
    entry,
    batch,
    records,
    verify: (tenantId: string, from?: number | Date) =>
      fixture.service.app.get(VerifyService).verify(tenantId, from),
  };
}
export type AuditFixture = Awaited<ReturnType<typeof startAudit>>;
