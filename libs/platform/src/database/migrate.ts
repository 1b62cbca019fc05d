import { Client } from 'pg';
import type { BaseConfig, DatabaseConfig } from '../config/config';
import { createDataSource, type DatabaseOptions } from './data-source';
import { postgresConnection } from './tls';

export type MigrationConfig = Pick<DatabaseConfig, 'DATABASE_URL' | 'DATABASE_SCHEMA'> &
  Partial<Pick<DatabaseConfig, 'DATABASE_CA_FILE'>> &
  Pick<BaseConfig, 'SERVICE_NAME'> & { DATABASE_OWNER_URL?: string };

/** The advisory lock key of a schema's migrations (one per schema: services migrate independently). */
export const migrationLockKey = (schema: string): string => `therapy-room-migrations:${schema}`;

/**
 * Runs a service's pending migrations once, however many replicas start at the same time: each takes the
 * schema's PostgreSQL advisory lock first, so one migrates while the others wait, then find nothing to
 * run. With DATABASE_OWNER_URL (a service whose runtime role may not change what it wrote, e.g. audit)
 * they run as that owner, and the runtime role's name is passed to them as the session setting
 * `therapy_room.runtime_role` (read with current_setting), so they can grant or take back its privileges.
 */
export async function runServiceMigrations(config: MigrationConfig, options: DatabaseOptions): Promise<void> {
  const url = config.DATABASE_OWNER_URL ?? config.DATABASE_URL;
  const runtimeRole = decodeURIComponent(new URL(config.DATABASE_URL).username);
  if (!/^[a-z_][a-z0-9_]*$/.test(runtimeRole)) throw new Error('DATABASE_URL: unsafe role name');
  const migrator = createDataSource({ ...config, DATABASE_URL: url, DATABASE_POOL_MAX: 1 }, options);
  if (config.DATABASE_OWNER_URL) {
    const extra = migrator.options.extra as { options: string };
    extra.options = `${extra.options} -c therapy_room.runtime_role=${runtimeRole}`;
  }
  const lock = new Client({
    ...postgresConnection(url, config.DATABASE_CA_FILE),
    application_name: `${config.SERVICE_NAME}-migration-lock`,
  });
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(hashtext($1))`, [migrationLockKey(config.DATABASE_SCHEMA)]);
    await migrator.initialize();
    try {
      await migrator.runMigrations({ transaction: 'each' });
    } finally {
      await migrator.destroy();
    }
  } finally {
    await lock.end();
  }
}
