import { generateKeyPairSync } from 'node:crypto';
import { CheckpointSigner } from '../checkpoints/checkpoint-signer';
import { GENESIS_HASH, chainHash, type AuditRecord } from '../log/audit-record';
import { verifyChain, type StoredCheckpoint, type StoredRecord } from './chain-verifier';

const pem = () =>
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const tenantId = '5f0c6a43-2b1d-4e7a-9c3f-8d2e1a0b9c7d';

function chain(n: number): StoredRecord[] {
  const out: StoredRecord[] = [];
  let prev: Buffer = GENESIS_HASH;
  for (let position = 1; position <= n; position++) {
    const record: AuditRecord = {
      tenantId,
      position,
      recordedAt: new Date(Date.UTC(2026, 11, 3, 10, 0, position)),
      occurredAt: new Date(Date.UTC(2026, 11, 3, 10, 0, position)),
      eventId: `019a6f3e-5b7c-7c1a-9d2e-3f4a5b6c7d${String(position).padStart(2, '0')}`,
      action: 'content.read',
      outcome: 'success',
      reason: null,
      actorPs: `actor-${position}`,
      actorRole: 'professional',
      responsiblePs: null,
      grantId: null,
      subjectPs: 'subject',
      objectType: 'content.diary',
      objectId: `diary-${position}`,
      sensitivity: 'health',
      basis: 'caseload_assignment',
      sourceService: 'content',
      sourceAddress: '203.0.113.7',
      requestId: `r${position}`,
    };
    const hash = chainHash(prev, record);
    out.push({ ...record, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}
const anchor = { position: 0, hash: GENESIS_HASH };
const noCheckpoints: StoredCheckpoint[] = [];
const valid = () => 'valid';
const renumber = (records: StoredRecord[]) => records.map((r, i) => ({ ...r, position: i + 1 }));

describe('verifyChain', () => {
  it('an intact chain verifies', () => {
    expect(verifyChain(anchor, chain(5), noCheckpoints, valid)).toEqual({
      ok: true,
      records: 5,
      checkpoints: 0,
      from: 1,
      through: 5,
    });
  });

  it('changed: a field edited', () => {
    const records = chain(5);
    records[2] = { ...records[2], outcome: 'failure' };
    expect(verifyChain(anchor, records, noCheckpoints, valid)).toMatchObject({
      ok: false,
      problem: { kind: 'changed', position: 3 },
    });
  });

  it('removed: a gap, or a renumbered chain missing a link', () => {
    const records = chain(5);
    expect(
      verifyChain(anchor, [...records.slice(0, 2), ...records.slice(3)], noCheckpoints, valid),
    ).toMatchObject({
      problem: { kind: 'removed', position: 3 },
    });
    // Renumbered after the deletion: record 3 now links to a hash no record has.
    const renumbered = renumber([...records.slice(0, 2), ...records.slice(3)]);
    expect(verifyChain(anchor, renumbered, noCheckpoints, valid)).toMatchObject({
      problem: { kind: 'removed', position: 3 },
    });
  });

  it('inserted: the chain skips a record', () => {
    const records = chain(5);
    const forged = { ...records[1], requestId: 'forged' };
    forged.hash = chainHash(forged.prevHash, forged);
    const withForged = renumber([...records.slice(0, 2), forged, ...records.slice(2)]);
    // The forged record links to record 2, as the original 3rd does.
    withForged[2] = { ...withForged[2], prevHash: records[1].hash };
    expect(verifyChain(anchor, withForged, noCheckpoints, valid)).toMatchObject({
      problem: { kind: 'inserted', position: 3 },
    });
  });

  it('reordered: two records swapped', () => {
    const records = chain(5);
    const swapped = [
      records[0],
      { ...records[2], position: 2 },
      { ...records[1], position: 3 },
      ...records.slice(3),
    ];
    expect(verifyChain(anchor, swapped, noCheckpoints, valid)).toMatchObject({
      problem: { kind: 'reordered', position: 2 },
    });
  });
});

describe('CheckpointSigner', () => {
  it('checkpoints signed before a key rotation still verify; an unknown kid or a changed fact does not', () => {
    const oldKey = pem();
    const before = new CheckpointSigner({ AUDIT_SIGNING_KEYS: { k1: oldKey }, AUDIT_SIGNING_KEY_ID: 'k1' });
    const facts = {
      tenantId,
      position: 4,
      hash: chain(4)[3].hash,
      kind: 'periodic' as const,
      removedThrough: null,
      signedAt: new Date('2026-12-03T10:00:00Z'),
    };
    const { kid, signature } = before.sign(facts);
    const after = new CheckpointSigner({
      AUDIT_SIGNING_KEYS: { k1: oldKey, k2: pem() },
      AUDIT_SIGNING_KEY_ID: 'k2',
    });
    expect(after.check({ ...facts, kid }, signature)).toBe('valid');
    expect(after.sign(facts).kid).toBe('k2');
    expect(after.check({ ...facts, kid, position: 5 }, signature)).toBe('bad signature');
    const retired = new CheckpointSigner({ AUDIT_SIGNING_KEYS: { k2: pem() }, AUDIT_SIGNING_KEY_ID: 'k2' });
    expect(retired.check({ ...facts, kid }, signature)).toBe('unknown key');
  });
});
