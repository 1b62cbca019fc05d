import { chainHash, type AuditRecord } from '../log/audit-record';
import type { CheckpointFacts } from '../checkpoints/checkpoint-signer';

export interface StoredRecord extends AuditRecord {
  prevHash: Buffer;
  hash: Buffer;
}
export interface StoredCheckpoint extends CheckpointFacts {
  signature: Buffer;
}

export type TamperKind = 'changed' | 'removed' | 'inserted' | 'reordered' | 'checkpoint';
export interface VerifyProblem {
  kind: TamperKind;
  /** The position of the first record concerned. */
  position: number;
  detail: string;
}
export type VerifyResult =
  | { ok: true; records: number; checkpoints: number; from: number; through: number }
  | { ok: false; problem: VerifyProblem };

/**
 * Checks one organisation's chain from an anchor (the chain's start, or a verified checkpoint) and names
 * the first record that was changed, removed, inserted or reordered:
 * - inserted: the record after it links to the record before it (the chain skips it);
 * - removed: a position is missing, or a record links to a hash no record has;
 * - reordered: a record links to a record that comes after it;
 * - changed: a record's content no longer gives its hash;
 * - checkpoint: a signature does not verify, or the chain at a checkpoint's position is not the signed
 *   hash (a rewritten chain), or a checkpoint covers records that are gone.
 * `records` in position order; `checkSignature` answers for a checkpoint's signature.
 */
export function verifyChain(
  anchor: { position: number; hash: Buffer },
  records: StoredRecord[],
  checkpoints: StoredCheckpoint[],
  checkSignature: (c: StoredCheckpoint) => 'valid' | string,
): VerifyResult {
  const fail = (kind: TamperKind, position: number, detail: string): VerifyResult => ({
    ok: false,
    problem: { kind, position, detail },
  });
  const indexOfHash = new Map<string, number>();
  records.forEach((r, i) => indexOfHash.set(r.hash.toString('hex'), i));

  let expected = anchor.position + 1;
  let prev = anchor.hash;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const next = records[i + 1];
    const linksToLater = indexOfHash.get(r.prevHash.toString('hex'));
    if (!r.prevHash.equals(prev) && linksToLater !== undefined && linksToLater > i) {
      return fail(
        'reordered',
        r.position,
        `record ${r.position} follows record ${records[linksToLater].position}, which comes after it`,
      );
    }
    if (next && next.prevHash.equals(prev) && !next.prevHash.equals(r.hash)) {
      return fail(
        'inserted',
        r.position,
        `record ${r.position} is not part of the chain: record ${next.position} follows record ${r.position - 1}`,
      );
    }
    if (r.position !== expected) {
      return fail(
        'removed',
        expected,
        `record ${expected} is missing (the next record found is ${r.position})`,
      );
    }
    if (!r.prevHash.equals(prev)) {
      return fail('removed', r.position, `the record before ${r.position} is missing or was replaced`);
    }
    if (!chainHash(r.prevHash, r).equals(r.hash)) {
      return fail('changed', r.position, `record ${r.position} does not match its hash`);
    }
    prev = r.hash;
    expected += 1;
  }

  const last = expected - 1;
  const byPosition = new Map(records.map((r) => [r.position, r]));
  for (const c of checkpoints) {
    const verdict = checkSignature(c);
    if (verdict !== 'valid') {
      return fail('checkpoint', c.position, `checkpoint at ${c.position} (${c.kid}): ${verdict}`);
    }
    if (c.position < anchor.position) continue;
    if (c.position === anchor.position) {
      if (!c.hash.equals(anchor.hash))
        return fail('checkpoint', c.position, `checkpoint at ${c.position} disagrees with the anchor`);
      continue;
    }
    if (c.position > last) {
      return fail(
        'removed',
        last + 1,
        `records ${last + 1} to ${c.position} are gone, though checkpoint ${c.position} covers them`,
      );
    }
    if (!byPosition.get(c.position)!.hash.equals(c.hash)) {
      return fail(
        'checkpoint',
        c.position,
        `the chain up to ${c.position} is not the one signed: records before it were rewritten`,
      );
    }
  }
  return {
    ok: true,
    records: records.length,
    checkpoints: checkpoints.length,
    from: anchor.position + 1,
    through: last,
  };
}
