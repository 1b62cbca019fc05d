import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UserAccount } from '../users/user-account.entity';

/** The queries of erasure: every row identity holds about one person. */
@Injectable()
export class ErasureRepository {
  /** The subject's account in the tenant of the request, locked until the transaction ends. */
  findSubject(tenantId: string, userId: string, manager: EntityManager): Promise<UserAccount | null> {
    return manager
      .createQueryBuilder(UserAccount, 'u')
      .setLock('pessimistic_write')
      .where('u.tenant_id = :tenantId AND u.id = :userId', { tenantId, userId })
      .getOne();
  }

  /**
   * Deletes the account (with its credentials) and everything keyed by it. Sessions are deleted
   * explicitly (their FK also cascades); tables added later that reference user_account must cascade
   * too (erasure.int-spec.ts checks every such foreign key). Failed-login counters are keyed by a hash
   * of (tenant, e-mail), not by the user id, so they go by that key.
   */
  async deleteSubject(
    userId: string,
    throttleAccountKey: Buffer,
    manager: EntityManager,
  ): Promise<{ accounts: number; sessions: number; login_throttles: number }> {
    // TypeORM answers a DELETE with [rows, affected].
    const affected = async (sql: string, parameter: unknown) =>
      ((await manager.query(sql, [parameter])) as [unknown[], number])[1];
    const sessions = await affected(`DELETE FROM session WHERE user_id = $1`, userId);
    const throttles = await affected(`DELETE FROM login_throttle WHERE account_key = $1`, throttleAccountKey);
    const accounts = await affected(`DELETE FROM user_account WHERE id = $1`, userId);
    return { accounts, sessions, login_throttles: throttles };
  }
}
