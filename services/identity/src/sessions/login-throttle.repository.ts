import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ThrottleCounter } from './policies/login-throttle.policy';

interface CounterRow {
  failures: number;
  last_failure_at: Date | null;
  blocked_until: Date | null;
}
const toCounter = (row: CounterRow): ThrottleCounter => ({
  failures: row.failures,
  lastFailureAt: row.last_failure_at,
  blockedUntil: row.blocked_until,
});

/** Failed-login counters. Reads lock the row (FOR UPDATE semantics) until the caller's transaction ends. */
@Injectable()
export class LoginThrottleRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The (account, address) counter, created if missing, locked. Always taken before the address counter. */
  async lockAccount(
    manager: EntityManager,
    accountKey: Buffer,
    address: string,
    tenantId: string | null,
  ): Promise<ThrottleCounter> {
    const [row] = (await manager.query(
      `INSERT INTO login_throttle (account_key, source_address, tenant_id) VALUES ($1, $2, $3)
       ON CONFLICT ON CONSTRAINT login_throttle_pkey DO UPDATE SET failures = login_throttle.failures
       RETURNING failures, last_failure_at, blocked_until`,
      [accountKey, address, tenantId],
    )) as CounterRow[];
    return toCounter(row);
  }

  /**
   * The account's counter across addresses: its shared pool (`device` empty) or a known browser's
   * own (`device` its hash), created if missing, locked. Taken after the pair, before the address.
   */
  async lockPool(
    manager: EntityManager,
    accountKey: Buffer,
    device: Buffer,
    tenantId: string | null,
  ): Promise<ThrottleCounter> {
    const [row] = (await manager.query(
      `INSERT INTO login_account_throttle (account_key, device_hash, tenant_id) VALUES ($1, $2, $3)
       ON CONFLICT ON CONSTRAINT login_account_throttle_pkey DO UPDATE SET failures = login_account_throttle.failures
       RETURNING failures, last_failure_at, blocked_until`,
      [accountKey, device, tenantId],
    )) as CounterRow[];
    return toCounter(row);
  }

  async savePool(
    manager: EntityManager,
    accountKey: Buffer,
    device: Buffer,
    counter: ThrottleCounter,
  ): Promise<void> {
    await manager.query(
      `UPDATE login_account_throttle SET failures = $3, last_failure_at = $4, blocked_until = $5
       WHERE account_key = $1 AND device_hash = $2`,
      [accountKey, device, counter.failures, counter.lastFailureAt, counter.blockedUntil],
    );
  }

  async deletePool(manager: EntityManager, accountKey: Buffer, device: Buffer): Promise<void> {
    await manager.query(`DELETE FROM login_account_throttle WHERE account_key = $1 AND device_hash = $2`, [
      accountKey,
      device,
    ]);
  }

  async lockAddress(manager: EntityManager, address: string): Promise<ThrottleCounter> {
    const [row] = (await manager.query(
      `INSERT INTO login_address_throttle (source_address) VALUES ($1)
       ON CONFLICT ON CONSTRAINT login_address_throttle_pkey DO UPDATE SET failures = login_address_throttle.failures
       RETURNING failures, last_failure_at, blocked_until`,
      [address],
    )) as CounterRow[];
    return toCounter(row);
  }

  async saveAccount(
    manager: EntityManager,
    accountKey: Buffer,
    address: string,
    counter: ThrottleCounter,
  ): Promise<void> {
    await manager.query(
      `UPDATE login_throttle SET failures = $3, last_failure_at = $4, blocked_until = $5
       WHERE account_key = $1 AND source_address = $2`,
      [accountKey, address, counter.failures, counter.lastFailureAt, counter.blockedUntil],
    );
  }

  async saveAddress(manager: EntityManager, address: string, counter: ThrottleCounter): Promise<void> {
    await manager.query(
      `UPDATE login_address_throttle SET failures = $2, last_failure_at = $3, blocked_until = $4
       WHERE source_address = $1`,
      [address, counter.failures, counter.lastFailureAt, counter.blockedUntil],
    );
  }

  async deleteAccount(manager: EntityManager, accountKey: Buffer, address: string): Promise<void> {
    await manager.query(`DELETE FROM login_throttle WHERE account_key = $1 AND source_address = $2`, [
      accountKey,
      address,
    ]);
  }

  /** Deletes counters whose failures are forgotten and whose block has ended; returns how many went. */
  async prune(quietSince: Date, now: Date): Promise<number> {
    let total = 0;
    for (const table of ['login_throttle', 'login_account_throttle', 'login_address_throttle']) {
      const [, count] = (await this.dataSource.query(
        `DELETE FROM ${table}
         WHERE (last_failure_at IS NULL OR last_failure_at <= $1) AND (blocked_until IS NULL OR blocked_until <= $2)`,
        [quietSince, now],
      )) as [unknown, number];
      total += count;
    }
    return total;
  }
}
