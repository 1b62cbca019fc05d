import type { EntityManager } from 'typeorm';
import type { ErasureCounts } from '@therapy-room/contracts';

/** The subject of an erasure or export request, as the request names it. */
export interface SubjectRequest {
  tenantId: string;
  subjectId: string;
  requestId: string;
  /** The id of the request event being handled (a re-published request has a new one). */
  eventId: string;
  /** When the request event was raised. */
  requestedAt: Date;
}

/**
 * What erasing and exporting a subject means for one service: the only part of the erasure and export
 * sagas a service writes. Both run in the inbox transaction of the request (one effect per request id);
 * a subject of another organisation is refused by throwing `PermanentEventError` (dead letter, nothing
 * touched). The consumer, inbox, data-key deletion, `erased_subject` tombstone, parked-outbox purge and
 * the confirmation event come from `SubjectRightsRunner`.
 */
export interface SubjectRightsParticipant {
  /** Deletes what the service holds about the subject; answers how many of what it deleted. */
  erase(request: SubjectRequest, manager: EntityManager): Promise<ErasureCounts>;
  /**
   * Everything the service holds about the subject, texts and values opened, as one JSON document
   * (`<location>/<service>.json`). Services that keep nothing worth exporting leave it out.
   */
  export?(request: SubjectRequest, manager: EntityManager): Promise<Record<string, unknown>>;
}

/** Injection token of the service's participant (see `subjectRightsParticipant`). */
export const SUBJECT_RIGHTS_PARTICIPANT = Symbol('SUBJECT_RIGHTS_PARTICIPANT');
