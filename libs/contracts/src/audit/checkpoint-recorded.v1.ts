import { z } from 'zod';
import { defineEvent } from '../define-event';

export const auditCheckpointKinds = ['periodic', 'sweep'] as const;

export const auditCheckpointRecordedV1 = defineEvent({
  topic: 'audit.checkpoint.recorded.v1',
  description:
    "A signed checkpoint of an organisation's audit log: the hash chain's head at a position, signed " +
    'with Ed25519 (key id `kid`). Published so that copies kept outside the audit database (an auditor, ' +
    'a write-once store) can prove later that the log up to that position has not been changed. ' +
    'Hashes and positions only: no person, no record content.',
  payload: z.object({
    /** Position (1-based, per organisation) of the last record the checkpoint covers; 0: an empty log. */
    position: z.number().int().min(0),
    /** SHA-256 chain hash of that record, hex. */
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    /** 'sweep': records up to `removedThrough` were removed at the end of their retention. */
    kind: z.enum(auditCheckpointKinds),
    removedThrough: z.number().int().min(0).optional(),
    signedAt: z.iso.datetime({ offset: false }),
    kid: z.string().min(1).max(64),
    /** Ed25519 signature (base64) over the checkpoint's canonical form (see services/audit). */
    signature: z.base64().max(128),
  }),
});
export type AuditCheckpointRecordedV1 = z.infer<typeof auditCheckpointRecordedV1.payload>;
