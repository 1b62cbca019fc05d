import { changedRows } from '@therapy-room/platform';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';

export type SignInMethod = 'password' | 'sso';

export interface KnownDevice {
  id: string;
  userId: string;
  tenantId: string;
  firstSignInMethod: SignInMethod;
  firstSeenAt: Date;
}

/** The only file with queries for the devices an account has signed in from (user_device). */
@Injectable()
export class KnownDevicesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async hasAny(manager: EntityManager, userId: string): Promise<boolean> {
    const rows = (await manager.query(`SELECT 1 FROM user_device WHERE user_id = $1 LIMIT 1`, [
      userId,
    ])) as unknown[];
    return rows.length > 0;
  }

  async isKnown(userId: string, deviceHash: Buffer): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM user_device WHERE user_id = $1 AND device_hash = $2`,
      [userId, deviceHash],
    )) as unknown[];
    return rows.length > 0;
  }

  /**
   * Records a sign-in from a device: a new row (returned with `isNew`) or, for a known device, a
   * fresh last_seen_at. Concurrent first sign-ins from one device make one row (the constraint decides).
   */
  async remember(
    manager: EntityManager,
    device: { userId: string; tenantId: string; deviceHash: Buffer; method: SignInMethod; at: Date },
  ): Promise<{ id: string; isNew: boolean }> {
    const [inserted] = (await manager.query(
      `INSERT INTO user_device (id, user_id, tenant_id, device_hash, first_sign_in_method, first_seen_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6)
       ON CONFLICT ON CONSTRAINT user_device_user_id_device_hash_key DO NOTHING
       RETURNING id`,
      [randomUUID(), device.userId, device.tenantId, device.deviceHash, device.method, device.at],
    )) as { id: string }[];
    if (inserted) return { id: inserted.id, isNew: true };
    const rows = await changedRows<{ id: string }>(
      manager,
      `UPDATE user_device SET last_seen_at = greatest(last_seen_at, $3)
        WHERE user_id = $1 AND device_hash = $2 RETURNING id`,
      [device.userId, device.deviceHash, device.at],
    );
    return { id: rows[0].id, isNew: false };
  }

  /** Keeps the account's most recently seen devices only (a device forgotten here is new again). */
  async keepMostRecent(manager: EntityManager, userId: string, count: number): Promise<void> {
    await manager.query(
      `DELETE FROM user_device WHERE user_id = $1 AND id NOT IN (
         SELECT id FROM user_device WHERE user_id = $1 ORDER BY last_seen_at DESC, id LIMIT $2)`,
      [userId, count],
    );
  }

  async find(manager: EntityManager, id: string, userId: string): Promise<KnownDevice | null> {
    const [row] = (await manager.query(
      `SELECT id, user_id, tenant_id, first_sign_in_method, first_seen_at FROM user_device
        WHERE id = $1 AND user_id = $2`,
      [id, userId],
    )) as {
      id: string;
      user_id: string;
      tenant_id: string;
      first_sign_in_method: SignInMethod;
      first_seen_at: Date;
    }[];
    if (!row) return null;
    return {
      id: row.id,
      userId: row.user_id,
      tenantId: row.tenant_id,
      firstSignInMethod: row.first_sign_in_method,
      firstSeenAt: row.first_seen_at,
    };
  }
}
