import { createHash } from 'node:crypto';

/** One stored record of the access log (NEN 7513 terms: docs/audit.md). People only as pseudonyms. */
export interface AuditRecord {
  tenantId: string;
  position: number;
  recordedAt: Date;
  occurredAt: Date;
  eventId: string;
  action: string;
  outcome: string;
  reason: string | null;
  actorPs: string | null;
  actorRole: string | null;
  responsiblePs: string | null;
  grantId: string | null;
  subjectPs: string | null;
  objectType: string;
  objectId: string | null;
  sensitivity: string;
  basis: string | null;
  sourceService: string;
  sourceAddress: string;
  requestId: string;
}

/** The chain's start: the "previous hash" of an organisation's first record. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/**
 * The canonical form the hash covers: every stored field, in a fixed order, as JSON (one unambiguous
 * string for one record; the field order is part of the format, `v1`). Changing any stored field
 * changes the hash.
 */
export function canonicalRecord(r: AuditRecord): string {
  return JSON.stringify([
    'v1',
    r.tenantId,
    r.position,
    r.recordedAt.toISOString(),
    r.occurredAt.toISOString(),
    r.eventId,
    r.action,
    r.outcome,
    r.reason,
    r.actorPs,
    r.actorRole,
    r.responsiblePs,
    r.grantId,
    r.subjectPs,
    r.objectType,
    r.objectId,
    r.sensitivity,
    r.basis,
    r.sourceService,
    r.sourceAddress,
    r.requestId,
  ]);
}

/** SHA-256 over the previous record's hash and this record's canonical form. */
export function chainHash(prevHash: Buffer, record: AuditRecord): Buffer {
  return createHash('sha256').update(prevHash).update(canonicalRecord(record), 'utf8').digest();
}
