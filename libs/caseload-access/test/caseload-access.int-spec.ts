import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import {
  caseloadAssignmentGrantedV1,
  caseloadAssignmentRevokedV1,
  dlqTopic,
  type CaseloadAssignmentGrantedV1,
  type EventContract,
  type MessageOf,
} from '@therapy-room/contracts';
import { CaseloadAccess } from '@therapy-room/caseload-access';
import { Clock } from '@therapy-room/platform';
import {
  expectEventually,
  publishRaw,
  startInProcessService,
  testKafka,
  type InProcessService,
  type TestDatabase,
} from '@therapy-room/testing';
import { ReaderAppModule } from './support/reader-app.module';

const SERVICE = 'content-test';
const SCHEMA = 'content_test';
const HOUR = 60 * 60 * 1000;

type GrantInput = Partial<Omit<CaseloadAssignmentGrantedV1, 'validFrom' | 'validUntil'>> & {
  professionalId: string;
  clientId: string;
  validFrom?: Date | string | null;
  validUntil?: Date | string | null;
};
const iso = (value: Date | string | null | undefined) =>
  value instanceof Date ? value.toISOString() : value;

/** A contract-valid caseload.assignment.granted.v1, as caseload's outbox would publish it. */
const granted = (tenantId: string, input: GrantInput, id = uuidv7()) =>
  caseloadAssignmentGrantedV1.message.parse({
    id,
    type: caseloadAssignmentGrantedV1.topic,
    occurredAt: new Date().toISOString(),
    tenantId,
    region: 'eea',
    subjectId: input.clientId,
    traceparent: null,
    payload: {
      grantId: input.grantId ?? randomUUID(),
      kind: input.kind ?? 'assignment',
      professionalId: input.professionalId,
      clientId: input.clientId,
      validFrom: iso(input.validFrom) ?? null,
      validUntil: iso(input.validUntil) ?? null,
    },
  });

/** The revocation of a grant message, as caseload would publish it. */
const revoked = (grant: MessageOf<typeof caseloadAssignmentGrantedV1>) =>
  caseloadAssignmentRevokedV1.message.parse({
    id: uuidv7(),
    type: caseloadAssignmentRevokedV1.topic,
    occurredAt: new Date().toISOString(),
    tenantId: grant.tenantId,
    region: 'eea',
    subjectId: grant.payload.clientId,
    traceparent: null,
    payload: {
      grantId: grant.payload.grantId,
      kind: grant.payload.kind,
      professionalId: grant.payload.professionalId,
      clientId: grant.payload.clientId,
      reason: 'removed',
    },
  });

describe('caseload access: a service keeps its own read model of caseload grants (real PostgreSQL and Kafka)', () => {
  let reader: InProcessService;
  let db: TestDatabase;
  let access: CaseloadAccess;

  /** Publishes like caseload does: keyed by the client (envelope subject), so one client's events stay in order. */
  const publish = (contract: EventContract, ...messages: { id: string; subjectId: string | null }[]) =>
    publishRaw(
      `${reader.prefix}${contract.topic}`,
      messages.map((m) => ({ key: m.subjectId ?? undefined, value: JSON.stringify(m) })),
    );
  const inboxRows = (eventId: string) =>
    db.query(`SELECT 1 FROM ${SCHEMA}.inbox WHERE event_id = $1`, [eventId]);
  /** Waits until the service has handled (committed the effect of) each event. */
  const handled = (...eventIds: string[]) =>
    expectEventually(async () => {
      for (const id of eventIds) expect(await inboxRows(id)).toHaveLength(1);
    });
  const grantRow = (grantId: string) =>
    db.query(`SELECT * FROM ${SCHEMA}.caseload_access_grant WHERE grant_id = $1`, [grantId]);
  const sorted = (ids: string[]) => [...ids].sort();

  beforeAll(async () => {
    reader = await startInProcessService(ReaderAppModule, SERVICE, { listen: false });
    db = reader.db;
    access = reader.app.get(CaseloadAccess);
  });
  afterAll(async () => {
    await reader?.stop();
  });

  it('migrates the read model into the service schema, with named constraints and indexes', async () => {
    const tables = await db.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`,
      [SCHEMA],
    );
    expect(tables.map((t) => t.tablename)).toEqual(
      expect.arrayContaining(['caseload_access_grant', 'caseload_access_revoked_grant', 'inbox']),
    );
    const indexes = await db.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename LIKE 'caseload_access_%'
        ORDER BY indexname`,
      [SCHEMA],
    );
    expect(indexes.map((i) => i.indexname)).toEqual([
      'caseload_access_grant_client_id_idx',
      'caseload_access_grant_pkey',
      'caseload_access_grant_professional_id_client_id_idx',
      'caseload_access_revoked_grant_pkey',
    ]);
    const checks = await db.query<{ conname: string }>(
      `SELECT conname FROM pg_constraint WHERE conrelid = '${SCHEMA}.caseload_access_grant'::regclass
          AND contype = 'c'`,
    );
    expect(checks.map((c) => c.conname)).toEqual(['caseload_access_grant_kind_check']);
  });

  it('grants access for a plain assignment, and a revocation takes it away', async () => {
    const tenantId = randomUUID();
    const professionalId = randomUUID();
    const clientId = randomUUID();
    expect(await access.canAccess(professionalId, clientId)).toBe(false);

    const grant = granted(tenantId, { professionalId, clientId });
    await publish(caseloadAssignmentGrantedV1, grant);
    await expectEventually(async () => expect(await access.canAccess(professionalId, clientId)).toBe(true));
    expect(await access.canAccess(professionalId, clientId, new Date(), tenantId)).toBe(true);
    // Only that pair: the grant says nothing about the reverse or about other people.
    expect(await access.canAccess(clientId, professionalId)).toBe(false);
    expect(await access.canAccess(professionalId, randomUUID())).toBe(false);

    await publish(caseloadAssignmentRevokedV1, revoked(grant));
    await expectEventually(async () => expect(await access.canAccess(professionalId, clientId)).toBe(false));
    expect(await grantRow(grant.payload.grantId)).toEqual([]);
  });

  it('counts a link with a future window only from validFrom (inclusive) to validUntil (exclusive)', async () => {
    const tenantId = randomUUID();
    const professionalId = randomUUID();
    const clientId = randomUUID();
    const validFrom = new Date(Date.now() + HOUR);
    const validUntil = new Date(Date.now() + 2 * HOUR);
    const grant = granted(tenantId, { kind: 'link', professionalId, clientId, validFrom, validUntil });
    await publish(caseloadAssignmentGrantedV1, grant);
    await handled(grant.id);
    expect(await grantRow(grant.payload.grantId)).toHaveLength(1);

    const at = (ms: number) => access.canAccess(professionalId, clientId, new Date(ms), tenantId);
    expect(await access.canAccess(professionalId, clientId)).toBe(false); // now: not yet
    expect(await at(validFrom.getTime() - 1)).toBe(false);
    expect(await at(validFrom.getTime())).toBe(true);
    expect(await at(validFrom.getTime() + HOUR / 2)).toBe(true);
    expect(await at(validUntil.getTime() - 1)).toBe(true);
    expect(await at(validUntil.getTime())).toBe(false);
    expect(await at(validUntil.getTime() + HOUR)).toBe(false);
    const inside = new Date(validFrom.getTime() + 1);
    expect(await access.professionalsOf(clientId)).toEqual([]);
    expect(await access.professionalsOf(clientId, inside)).toEqual([professionalId]);
    expect(await access.clientsOf(professionalId)).toEqual([]);
    expect(await access.clientsOf(professionalId, inside)).toEqual([clientId]);
  });

  it('ends a time-boxed link at its validUntil by itself, with no further event', async () => {
    const tenantId = randomUUID();
    const professionalId = randomUUID();
    const clientId = randomUUID();
    const validUntil = new Date(Date.now() + 2000);
    const grant = granted(tenantId, { kind: 'link', professionalId, clientId, validUntil });
    await publish(caseloadAssignmentGrantedV1, grant);
    // Active now, i.e. before validUntil (the wait cannot run past it).
    await expectEventually(async () => expect(await access.canAccess(professionalId, clientId)).toBe(true), {
      timeoutMs: validUntil.getTime() - Date.now() - 50,
      intervalMs: 20,
    });
    expect(await access.professionalsOf(clientId)).toEqual([professionalId]);

    await expectEventually(async () => expect(await access.canAccess(professionalId, clientId)).toBe(false), {
      timeoutMs: 10_000,
    });
    expect(Date.now()).toBeGreaterThanOrEqual(validUntil.getTime());
    expect(await access.professionalsOf(clientId)).toEqual([]);
    expect(await access.clientsOf(professionalId)).toEqual([]);
    // Nothing removed it: the row is still there, its window has simply passed.
    expect(await grantRow(grant.payload.grantId)).toHaveLength(1);
  });

  it('has no second effect when an event id is delivered again', async () => {
    const tenantId = randomUUID();
    const professionalId = randomUUID();
    const clientId = randomUUID();
    const grant = granted(tenantId, { professionalId, clientId });
    await publish(caseloadAssignmentGrantedV1, grant);
    await expectEventually(async () => expect(await access.canAccess(professionalId, clientId)).toBe(true));

    // The same event again, then the same event id carrying a window long past: an upsert alone would
    // apply the second and end the access, so only the inbox keeps it.
    const pastWindow = granted(
      tenantId,
      {
        ...grant.payload,
        validFrom: new Date(Date.now() - 2 * HOUR),
        validUntil: new Date(Date.now() - HOUR),
      },
      grant.id,
    );
    // A later event on the same partition (same client key): once it is handled, so are the two above.
    const otherProfessionalId = randomUUID();
    const later = granted(tenantId, { professionalId: otherProfessionalId, clientId });
    await publish(caseloadAssignmentGrantedV1, grant, pastWindow, later);
    await handled(later.id);

    expect(await access.canAccess(professionalId, clientId)).toBe(true);
    expect(await grantRow(grant.payload.grantId)).toEqual([
      expect.objectContaining({ professional_id: professionalId, valid_from: null, valid_until: null }),
    ]);
    expect(await inboxRows(grant.id)).toHaveLength(1);
    expect(sorted(await access.professionalsOf(clientId))).toEqual(
      sorted([professionalId, otherProfessionalId]),
    );
  });

  it('keeps a grant out when its revocation was handled first (the two topics are consumed independently)', async () => {
    const tenantId = randomUUID();
    const professionalId = randomUUID();
    const clientId = randomUUID();
    const grant = granted(tenantId, { professionalId, clientId });
    const revocation = revoked(grant);

    // Revocation of a grant this service has not seen: handled (not refused), nothing to delete.
    await publish(caseloadAssignmentRevokedV1, revocation);
    await handled(revocation.id);
    await publish(caseloadAssignmentGrantedV1, grant);
    await handled(grant.id);

    expect(await access.canAccess(professionalId, clientId)).toBe(false);
    expect(await access.professionalsOf(clientId)).toEqual([]);
    expect(await grantRow(grant.payload.grantId)).toEqual([]);
  });

  it('scopes to a tenant when one is given', async () => {
    const tenantId = randomUUID();
    const otherTenantId = randomUUID();
    const professionalId = randomUUID();
    const clientId = randomUUID();
    const grant = granted(tenantId, { professionalId, clientId });
    await publish(caseloadAssignmentGrantedV1, grant);
    await handled(grant.id);

    const now = new Date();
    expect(await access.canAccess(professionalId, clientId, now)).toBe(true);
    expect(await access.canAccess(professionalId, clientId, now, tenantId)).toBe(true);
    expect(await access.canAccess(professionalId, clientId, now, otherTenantId)).toBe(false);
    expect(await access.professionalsOf(clientId, now, tenantId)).toEqual([professionalId]);
    expect(await access.professionalsOf(clientId, now, otherTenantId)).toEqual([]);
    expect(await access.clientsOf(professionalId, now, tenantId)).toEqual([clientId]);
    expect(await access.clientsOf(professionalId, now, otherTenantId)).toEqual([]);
  });

  it('lists each professional of a client, and each client of a professional, once, with an active grant only', async () => {
    const tenantId = randomUUID();
    const [client, otherClient] = [randomUUID(), randomUUID()];
    const [assigned, linked, expired, upcoming, removed] = Array.from({ length: 5 }, () => randomUUID());
    const now = Date.now();
    const grants = [
      granted(tenantId, { professionalId: assigned, clientId: client }),
      // A second grant for the same pair (assignment and link): still listed once.
      granted(tenantId, {
        kind: 'link',
        professionalId: assigned,
        clientId: client,
        validUntil: new Date(now + HOUR),
      }),
      granted(tenantId, { professionalId: assigned, clientId: otherClient }),
      granted(tenantId, {
        kind: 'link',
        professionalId: linked,
        clientId: client,
        validUntil: new Date(now + HOUR),
      }),
      granted(tenantId, {
        kind: 'link',
        professionalId: expired,
        clientId: client,
        validFrom: new Date(now - 2 * HOUR),
        validUntil: new Date(now - HOUR),
      }),
      granted(tenantId, {
        kind: 'link',
        professionalId: upcoming,
        clientId: client,
        validFrom: new Date(now + HOUR),
        validUntil: new Date(now + 2 * HOUR),
      }),
    ];
    const toRemove = granted(tenantId, { professionalId: removed, clientId: client });
    await publish(caseloadAssignmentGrantedV1, ...grants, toRemove);
    await handled(...grants.map((g) => g.id), toRemove.id);
    const revocation = revoked(toRemove);
    await publish(caseloadAssignmentRevokedV1, revocation);
    await handled(revocation.id);

    expect(await access.professionalsOf(client)).toEqual(sorted([assigned, linked]));
    expect(await access.professionalsOf(client, new Date(now + HOUR + 1))).toEqual(
      sorted([assigned, upcoming]),
    );
    expect(await access.professionalsOf(otherClient)).toEqual([assigned]);
    expect(await access.clientsOf(assigned)).toEqual(sorted([client, otherClient]));
    expect(await access.clientsOf(linked)).toEqual([client]);
    expect(await access.clientsOf(expired)).toEqual([]);
    expect(await access.clientsOf(expired, new Date(now - HOUR - 1))).toEqual([client]);
    expect(await access.clientsOf(upcoming)).toEqual([]);
    expect(await access.clientsOf(removed)).toEqual([]);
  });

  it('decides on what basis: an assignment (before a link for the same pair), a colleague link, or none', async () => {
    const tenantId = randomUUID();
    const [client, otherClient] = [randomUUID(), randomUUID()];
    const [both, linked, stranger] = [randomUUID(), randomUUID(), randomUUID()];
    const until = new Date(Date.now() + HOUR);
    const grants = [
      granted(tenantId, { kind: 'link', professionalId: both, clientId: client, validUntil: until }),
      granted(tenantId, { professionalId: both, clientId: client }),
      granted(tenantId, { kind: 'link', professionalId: both, clientId: otherClient, validUntil: until }),
      granted(tenantId, { kind: 'link', professionalId: linked, clientId: client, validUntil: until }),
    ];
    await publish(caseloadAssignmentGrantedV1, ...grants);
    await handled(...grants.map((g) => g.id));

    expect(await access.basis(both, client, undefined, tenantId)).toBe('caseload_assignment');
    expect(await access.basis(both, otherClient, undefined, tenantId)).toBe('colleague_link');
    expect(await access.basis(linked, client, undefined, tenantId)).toBe('colleague_link');
    expect(await access.basis(stranger, client, undefined, tenantId)).toBeNull();
    expect(await access.basis(linked, client, new Date(until.getTime() + 1), tenantId)).toBeNull();
    expect(await access.basis(linked, client, undefined, randomUUID())).toBeNull();
    expect(await access.clientBasesOf(both, undefined, tenantId)).toEqual(
      new Map([
        [client, 'caseload_assignment'],
        [otherClient, 'colleague_link'],
      ]),
    );
  });

  it('the contract refuses a window that ends before it starts (compared as instants, not text); none was dead-lettered', async () => {
    // ".500Z" sorts before "Z" as text, but the end is half a second before the start.
    expect(() =>
      granted(randomUUID(), {
        kind: 'link',
        professionalId: randomUUID(),
        clientId: randomUUID(),
        validFrom: '2030-01-01T00:00:00.500Z',
        validUntil: '2030-01-01T00:00:00Z',
      }),
    ).toThrow(/validUntil must be after validFrom/);

    // Every event published in this file has been handled by now; none went to a DLQ.
    const admin = testKafka().admin();
    await admin.connect();
    try {
      for (const contract of [caseloadAssignmentGrantedV1, caseloadAssignmentRevokedV1]) {
        const offsets = await admin.fetchTopicOffsets(`${reader.prefix}${dlqTopic(contract.topic)}`);
        expect(offsets.map((o) => o.high)).toEqual(offsets.map(() => '0'));
      }
    } finally {
      await admin.disconnect();
    }
  });

  it('without an instant, the injected clock decides: a link ends when the clock passes its end, with no event', async () => {
    const tenantId = randomUUID();
    const [professionalId, clientId] = [randomUUID(), randomUUID()];
    const clock = reader.app.get(Clock);
    const start = Date.parse('2031-03-01T09:00:00.000Z');
    const now = jest.spyOn(clock, 'now').mockImplementation(() => new Date(start));
    try {
      const grant = granted(tenantId, {
        kind: 'link',
        professionalId,
        clientId,
        validFrom: new Date(start - HOUR),
        validUntil: new Date(start + HOUR),
      });
      await publish(caseloadAssignmentGrantedV1, grant);
      await handled(grant.id);
      expect(await access.canAccess(professionalId, clientId, undefined, tenantId)).toBe(true);
      expect(await access.clientsOf(professionalId, undefined, tenantId)).toEqual([clientId]);
      now.mockImplementation(() => new Date(start + HOUR));
      expect(await access.canAccess(professionalId, clientId, undefined, tenantId)).toBe(false);
      expect(await access.professionalsOf(clientId, undefined, tenantId)).toEqual([]);
      // Still a client of that organisation as far as the read model knows; of no other.
      expect(await access.knowsClient(clientId, tenantId)).toBe(true);
      expect(await access.knowsClient(clientId, randomUUID())).toBe(false);
    } finally {
      now.mockRestore();
    }
  });

  it('answers no, without querying, for ids that are not UUIDs, and refuses an invalid instant', async () => {
    const id = randomUUID();
    expect(await access.canAccess('not-a-uuid', id)).toBe(false);
    expect(await access.canAccess(id, "'; DROP TABLE caseload_access_grant; --")).toBe(false);
    expect(await access.canAccess(id, id, new Date(), 'tenant-1')).toBe(false);
    expect(await access.professionalsOf('')).toEqual([]);
    expect(await access.clientsOf('x', new Date(), id)).toEqual([]);
    await expect(access.canAccess(id, id, new Date('not a date'))).rejects.toThrow(RangeError);
  });
});
