import type {
  AuditBasis,
  AuditEntryBatchRecordedV1,
  AuditEntryRecordedV1,
  EventEnvelope,
} from '@therapy-room/contracts';
import type { RecordDraft } from '../log/audit-log.writer';

type Pseudonymise = (personId: string) => string;

/** What a draft needs from an entry, whichever topic it came on. */
type EntryFacts = Omit<AuditEntryRecordedV1, 'resourceId'>;

const SERVICES = ['caseload', 'content', 'messaging', 'audit'] as const;

/** The service that recorded the entry: as stated, else by its action's prefix (identity's have none of these). */
export function sourceServiceOf(entry: Pick<EntryFacts, 'action' | 'sourceService'>): string {
  if (entry.sourceService) return entry.sourceService;
  const prefix = entry.action.split('.')[0];
  return (SERVICES as readonly string[]).includes(prefix) ? prefix : 'identity';
}

/** Health content (content, messaging) weighs more than a caseload entry or an account. */
export function sensitivityOf(
  entry: Pick<EntryFacts, 'action' | 'sensitivity'>,
  subjectId: string | null,
): string {
  if (entry.sensitivity) return entry.sensitivity;
  const prefix = entry.action.split('.')[0];
  if (prefix === 'content' || prefix === 'messaging') return 'health';
  return subjectId ? 'personal' : 'none';
}

/**
 * The authorisation basis: as stated by the service, else what the entry itself shows (the client on their
 * own record, staff under a grant, a share link opened, an org admin, the platform). Unknown otherwise
 * (a professional's entry from a service that does not state it): null, never a guess. A refusal has
 * none: nothing allowed it.
 */
export function basisOf(entry: EntryFacts, subjectId: string | null): AuditBasis | null {
  if (entry.basis) return entry.basis;
  if (entry.outcome !== 'success') return null;
  if (entry.action === 'content.share_open') return 'shared_report';
  if (entry.actorId === null) return 'system';
  if (entry.actorRole === 'platform_staff' || entry.grantId) return 'staff_grant';
  if (subjectId && entry.actorId === subjectId) return 'self';
  if (entry.actorRole === 'org_admin') return 'organisation_admin';
  return null;
}

/**
 * One draft per subject: an entry is one record, a batch one per person it names. People become
 * pseudonyms (`people` collects pseudonym → id for the mapping table); an object id that is a person's
 * id is stored as that person's pseudonym, so erasure leaves nothing that names them.
 */
export function draftsOf(
  event: EventEnvelope<AuditEntryRecordedV1> | EventEnvelope<AuditEntryBatchRecordedV1>,
  pseudonymise: Pseudonymise,
  people: Map<string, string>,
): RecordDraft[] {
  const payload = event.payload;
  const subjects =
    'subjects' in payload
      ? payload.subjects.map((s) => ({ subjectId: s.subjectId, resourceId: s.resourceId }))
      : [{ subjectId: event.subjectId, resourceId: payload.resourceId }];
  const ps = (id: string | null | undefined): string | null => {
    if (!id) return null;
    const p = pseudonymise(id);
    people.set(p, id.toLowerCase());
    return p;
  };
  return subjects.map(({ subjectId, resourceId }) => {
    const personIds = [subjectId, payload.actorId, payload.responsibleUserId].filter(Boolean) as string[];
    const objectId =
      resourceId && personIds.some((id) => id.toLowerCase() === resourceId.toLowerCase())
        ? ps(resourceId)
        : resourceId;
    return {
      occurredAt: new Date(event.occurredAt),
      eventId: event.id.toLowerCase(),
      action: payload.action,
      outcome: payload.outcome,
      reason: ('reason' in payload ? payload.reason : undefined) ?? null,
      actorPs: ps(payload.actorId),
      actorRole: payload.actorRole,
      responsiblePs: ps(payload.responsibleUserId),
      grantId: payload.grantId?.toLowerCase() ?? null,
      subjectPs: ps(subjectId),
      objectType: payload.resource,
      objectId: objectId ?? null,
      sensitivity: sensitivityOf(payload, subjectId),
      basis: basisOf(payload, subjectId),
      sourceService: sourceServiceOf(payload),
      sourceAddress: payload.sourceAddress,
      requestId: payload.requestId,
    };
  });
}
