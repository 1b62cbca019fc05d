import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface TotpRow {
  secretCiphertext: Buffer;
  confirmedAt: Date | null;
  lastUsedStep: number | null;
}
export type ChallengePurpose = 'verify' | 'enrol';
export interface ChallengeRow {
  id: string;
  userId: string;
  tenantId: string;
  purpose: ChallengePurpose;
  sourceAddress: string;
  expiresAt: Date;
}

/** The only file with queries for the second factor (TOTP, recovery codes, login challenges). */
@Injectable()
export class TwoFactorRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findTotp(userId: string, manager: EntityManager = this.dataSource.manager): Promise<TotpRow | null> {
    const [row] = (await manager.query(
      `SELECT secret_ciphertext, confirmed_at, last_used_step FROM user_totp WHERE user_id = $1`,
      [userId],
    )) as { secret_ciphertext: Buffer; confirmed_at: Date | null; last_used_step: string | null }[];
    if (!row) return null;
    return {
      secretCiphertext: row.secret_ciphertext,
      confirmedAt: row.confirmed_at,
      lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step),
    };
  }

  /** A pending (unconfirmed) secret, replacing any earlier pending one; never an active one. */
  async savePending(userId: string, ciphertext: Buffer): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `INSERT INTO user_totp (user_id, secret_ciphertext) VALUES ($1, $2)
       ON CONFLICT ON CONSTRAINT user_totp_pkey DO UPDATE
         SET secret_ciphertext = EXCLUDED.secret_ciphertext, last_used_step = NULL, created_at = now()
         WHERE user_totp.confirmed_at IS NULL
       RETURNING user_id`,
      [userId, ciphertext],
    )) as unknown[];
    return rows.length === 1;
  }

  /** Records an accepted step, only if it is later than the last one (replay refusal, race-safe). */
  async acceptStep(userId: string, step: number, manager: EntityManager): Promise<boolean> {
    const [, affected] = (await manager.query(
      `UPDATE user_totp SET last_used_step = $2
       WHERE user_id = $1 AND (last_used_step IS NULL OR last_used_step < $2)`,
      [userId, step],
    )) as [unknown, number];
    return affected === 1;
  }

  async confirm(userId: string, at: Date, manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE user_totp SET confirmed_at = $2 WHERE user_id = $1`, [userId, at]);
  }

  async replaceRecoveryCodes(
    userId: string,
    codes: { id: string; hash: string; tag: number }[],
    manager: EntityManager,
  ): Promise<void> {
    await manager.query(`DELETE FROM user_recovery_code WHERE user_id = $1`, [userId]);
    for (const code of codes) {
      await manager.query(
        `INSERT INTO user_recovery_code (id, user_id, code_hash, lookup_tag) VALUES ($1, $2, $3, $4)`,
        [code.id, userId, code.hash, code.tag],
      );
    }
  }

  /**
   * The unused recovery codes a typed code can be: the one with its lookup tag (tags are distinct
   * within a user's set), and codes issued before tags existed (no tag; none once the user has a
   * newer set).
   */
  async recoveryCodeCandidates(
    userId: string,
    tag: number,
  ): Promise<{ id: string; hash: string; tagged: boolean }[]> {
    return (await this.dataSource.query(
      `SELECT id, code_hash AS hash, lookup_tag IS NOT NULL AS tagged FROM user_recovery_code
        WHERE user_id = $1 AND used_at IS NULL AND (lookup_tag = $2 OR lookup_tag IS NULL)`,
      [userId, tag],
    )) as { id: string; hash: string; tagged: boolean }[];
  }

  /** Spends a recovery code; false when it was spent meanwhile. */
  async useRecoveryCode(id: string, at: Date): Promise<boolean> {
    const [, affected] = (await this.dataSource.query(
      `UPDATE user_recovery_code SET used_at = $2 WHERE id = $1 AND used_at IS NULL`,
      [id, at],
    )) as [unknown, number];
    return affected === 1;
  }

  async deleteAll(userId: string, manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM user_recovery_code WHERE user_id = $1`, [userId]);
    await manager.query(`DELETE FROM user_totp WHERE user_id = $1`, [userId]);
    await manager.query(`DELETE FROM login_challenge WHERE user_id = $1`, [userId]);
  }

  async requiredForProfessionals(tenantId: string): Promise<boolean> {
    const [row] = (await this.dataSource.query(
      `SELECT require_2fa_for_professionals AS required FROM tenant WHERE id = $1`,
      [tenantId],
    )) as { required: boolean }[];
    return row?.required ?? false;
  }

  async setRequiredForProfessionals(tenantId: string, required: boolean, manager: EntityManager) {
    await manager.query(`UPDATE tenant SET require_2fa_for_professionals = $2 WHERE id = $1`, [
      tenantId,
      required,
    ]);
  }

  async insertChallenge(
    challenge: ChallengeRow & { tokenHash: Buffer },
    now: Date,
    manager: EntityManager,
  ): Promise<void> {
    // The user's spent or expired challenges go as new ones come.
    await manager.query(
      `DELETE FROM login_challenge WHERE user_id = $1 AND (expires_at <= $2 OR consumed_at IS NOT NULL)`,
      [challenge.userId, now],
    );
    await manager.query(
      `INSERT INTO login_challenge (id, token_hash, user_id, tenant_id, purpose, source_address, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        challenge.id,
        challenge.tokenHash,
        challenge.userId,
        challenge.tenantId,
        challenge.purpose,
        challenge.sourceAddress,
        challenge.expiresAt,
      ],
    );
  }

  /** A live (unspent, unexpired) challenge issued to this address. */
  async findLiveChallenge(tokenHash: Buffer, sourceAddress: string, now: Date): Promise<ChallengeRow | null> {
    const [row] = (await this.dataSource.query(
      `SELECT id, user_id, tenant_id, purpose, host(source_address) AS source_address, expires_at
       FROM login_challenge
       WHERE token_hash = $1 AND source_address = $2::inet AND consumed_at IS NULL AND expires_at > $3`,
      [tokenHash, sourceAddress, now],
    )) as {
      id: string;
      user_id: string;
      tenant_id: string;
      purpose: ChallengePurpose;
      source_address: string;
      expires_at: Date;
    }[];
    if (!row) return null;
    return {
      id: row.id,
      userId: row.user_id,
      tenantId: row.tenant_id,
      purpose: row.purpose,
      sourceAddress: row.source_address,
      expiresAt: row.expires_at,
    };
  }

  /** Spends a challenge; false when it was spent meanwhile (two concurrent second steps). */
  async consumeChallenge(id: string, at: Date, manager: EntityManager): Promise<boolean> {
    const [, affected] = (await manager.query(
      `UPDATE login_challenge SET consumed_at = $2 WHERE id = $1 AND consumed_at IS NULL`,
      [id, at],
    )) as [unknown, number];
    return affected === 1;
  }
}
