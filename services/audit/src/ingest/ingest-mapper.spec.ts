import type { AuditEntryBatchRecordedV1, AuditEntryRecordedV1, EventEnvelope } from '@therapy-room/contracts';
import { basisOf, draftsOf, sensitivityOf, sourceServiceOf } from './ingest-mapper';

const tenantId = '5f0c6a43-2b1d-4e7a-9c3f-8d2e1a0b9c7d';
const client = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const pro = '2b1c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e';
const base = {
  outcome: 'success' as const,
  resource: 'content.diary',
  sourceAddress: '203.0.113.7',
  requestId: 'r1',
};
const envelope = <P>(payload: P, subjectId: string | null): EventEnvelope<P> => ({
  id: '019A6F3E-5B7C-7C1A-9D2E-3F4A5B6C7D92',
  type: 'audit.entry.recorded.v1',
  occurredAt: '2026-12-03T10:00:00.000Z',
  tenantId,
  region: 'eea',
  subjectId,
  traceparent: null,
  payload,
});
const ps = (id: string) => `ps(${id})`;

describe('ingest mapping', () => {
  it('an entry: one draft, people as pseudonyms (an object id that is a person too), fields stated or derived', () => {
    const people = new Map<string, string>();
    const entry: AuditEntryRecordedV1 = {
      ...base,
      action: 'caseload.read',
      actorId: pro,
      actorRole: 'professional',
      resource: 'caseload.entry',
      resourceId: client,
    };
    const [draft] = draftsOf(envelope(entry, client), ps, people);
    expect(draft).toMatchObject({
      eventId: '019a6f3e-5b7c-7c1a-9d2e-3f4a5b6c7d92',
      actorPs: ps(pro),
      subjectPs: ps(client),
      objectId: ps(client),
      sensitivity: 'personal',
      basis: null,
      sourceService: 'caseload',
    });
    expect([...people.values()].sort()).toEqual([client, pro].sort());
  });

  it('a batch: one draft per subject', () => {
    const batch: AuditEntryBatchRecordedV1 = {
      ...base,
      action: 'content.read',
      actorId: pro,
      actorRole: 'professional',
      subjects: [
        { subjectId: client, resourceId: 'diary-1' },
        { subjectId: pro, resourceId: 'diary-2' },
      ],
    };
    const drafts = draftsOf(envelope(batch, null), ps, new Map());
    expect(drafts.map((d) => [d.subjectPs, d.objectId])).toEqual([
      [ps(client), 'diary-1'],
      [ps(pro), 'diary-2'],
    ]);
  });

  it('the basis is what the service states, else what the entry shows, else unknown (never guessed)', () => {
    const entry = { ...base, action: 'content.read' as const, resourceId: null };
    expect(
      basisOf({ ...entry, actorId: pro, actorRole: 'professional', basis: 'colleague_link' }, client),
    ).toBe('colleague_link');
    expect(basisOf({ ...entry, action: 'content.share_open', actorId: null, actorRole: null }, client)).toBe(
      'shared_report',
    );
    expect(basisOf({ ...entry, actorId: null, actorRole: null }, client)).toBe('system');
    expect(basisOf({ ...entry, actorId: pro, actorRole: 'platform_staff' }, client)).toBe('staff_grant');
    expect(basisOf({ ...entry, actorId: client, actorRole: 'client' }, client)).toBe('self');
    expect(basisOf({ ...entry, actorId: pro, actorRole: 'org_admin' }, client)).toBe('organisation_admin');
    expect(basisOf({ ...entry, actorId: pro, actorRole: 'professional' }, client)).toBeNull();
    // A refusal was allowed on no basis, whoever tried.
    expect(
      basisOf({ ...entry, outcome: 'failure', actorId: pro, actorRole: 'org_admin' }, client),
    ).toBeNull();
    expect(
      basisOf({ ...entry, outcome: 'failure', actorId: pro, actorRole: 'platform_staff' }, client),
    ).toBeNull();
  });

  it('sensitivity and source service from the action when not stated', () => {
    expect(sensitivityOf({ action: 'messaging.read' }, client)).toBe('health');
    expect(sensitivityOf({ action: 'auth.login' }, null)).toBe('none');
    expect(sensitivityOf({ action: 'auth.login', sensitivity: 'personal' }, null)).toBe('personal');
    expect(sourceServiceOf({ action: 'auth.login' })).toBe('identity');
    expect(sourceServiceOf({ action: 'messaging.send' })).toBe('messaging');
  });
});
