import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PLATFORM_CONFIG } from '@therapy-room/platform';
import type { AuditConfig } from '../audit.config';

/**
 * People in the log are per-organisation pseudonyms: HMAC-SHA256(AUDIT_PSEUDONYM_KEY, tenant id ‖ person
 * id), base64url. The pseudonym → person mapping lives apart (subject_pseudonym) and erasure deletes it:
 * the records, and the hash chain over them, stay as they were but no longer name the person.
 */
@Injectable()
export class Pseudonyms {
  private readonly key: Buffer;
  /**
   * Pseudonyms whose mapping a committed transaction already wrote (or found erased): their insert is
   * skipped, which is always safe — a mapping is never recreated, only created once or deleted. Bounded.
   */
  private readonly known = new Set<string>();
  private static readonly KNOWN_MAX = 200_000;
  /**
   * Pseudonyms computed lately (organisation and person → pseudonym): a batch names the same actor and
   * the same clients again and again, and the HMAC is the ingest's main cost per record. Bounded.
   */
  private readonly computed = new Map<string, string>();

  constructor(@Inject(PLATFORM_CONFIG) config: AuditConfig) {
    this.key = Buffer.from(config.AUDIT_PSEUDONYM_KEY, 'base64');
  }

  of(tenantId: string, personId: string): string {
    const input = `${tenantId.toLowerCase()}:${personId.toLowerCase()}`;
    const cached = this.computed.get(input);
    if (cached) return cached;
    const pseudonym = createHmac('sha256', this.key).update(input).digest('base64url');
    if (this.computed.size >= Pseudonyms.KNOWN_MAX) this.computed.clear();
    this.computed.set(input, pseudonym);
    return pseudonym;
  }

  /** Records pseudonym → person for people not erased (a late event must not name an erased person again). */
  async remember(manager: EntityManager, tenantId: string, people: Map<string, string>): Promise<void> {
    const unknown = [...people].filter(([p]) => !this.known.has(`${tenantId}:${p}`));
    if (unknown.length === 0) return;
    await manager.query(
      `INSERT INTO subject_pseudonym (tenant_id, pseudonym, subject_id)
       SELECT $1, p.pseudonym, p.subject_id FROM unnest($2::text[], $3::uuid[]) AS p (pseudonym, subject_id)
        WHERE NOT EXISTS (SELECT 1 FROM erased_pseudonym e WHERE e.tenant_id = $1 AND e.pseudonym = p.pseudonym)
       ON CONFLICT (tenant_id, pseudonym) DO NOTHING`,
      [tenantId, unknown.map(([p]) => p), unknown.map(([, id]) => id)],
    );
  }

  /** After the transaction that remembered them has committed: their mappings exist (or were erased). */
  committed(tenantId: string, people: Map<string, string>): void {
    if (this.known.size + people.size > Pseudonyms.KNOWN_MAX) this.known.clear();
    for (const p of people.keys()) this.known.add(`${tenantId}:${p}`);
  }

  /** Forgets who the pseudonym was, for good. True when the log named the person. */
  async erase(manager: EntityManager, tenantId: string, personId: string): Promise<boolean> {
    const pseudonym = this.of(tenantId, personId);
    this.computed.delete(`${tenantId.toLowerCase()}:${personId.toLowerCase()}`);
    await manager.query(
      `INSERT INTO erased_pseudonym (tenant_id, pseudonym) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [tenantId, pseudonym],
    );
    const [, affected] = (await manager.query(
      `DELETE FROM subject_pseudonym WHERE tenant_id = $1 AND pseudonym = $2`,
      [tenantId, pseudonym],
    )) as [unknown[], number];
    return affected > 0;
  }

  /** The people behind pseudonyms (those erased are missing from the answer). */
  async resolve(
    manager: EntityManager,
    tenantId: string,
    pseudonyms: string[],
  ): Promise<Map<string, string>> {
    if (pseudonyms.length === 0) return new Map();
    const rows: { pseudonym: string; subject_id: string }[] = await manager.query(
      `SELECT pseudonym, subject_id FROM subject_pseudonym WHERE tenant_id = $1 AND pseudonym = ANY($2)`,
      [tenantId, [...new Set(pseudonyms)]],
    );
    return new Map(rows.map((r) => [r.pseudonym, r.subject_id]));
  }
}
