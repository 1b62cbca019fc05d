import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed-login counters. `account_key` is a SHA-256 of (tenant, normalised e-mail), the same for
 * existing and unknown accounts, so throttling never tells them apart. `source_address` is the
 * client's IPv4 address or its IPv6 /64. Rows are short-lived (pruned a window after their last failure).
 */
export class LoginThrottle1763800000300 implements MigrationInterface {
  name = 'LoginThrottle1763800000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE login_throttle (
        account_key bytea NOT NULL CONSTRAINT login_throttle_account_key_check CHECK (octet_length(account_key) = 32),
        source_address inet NOT NULL,
        tenant_id uuid,
        failures integer NOT NULL DEFAULT 0 CONSTRAINT login_throttle_failures_check CHECK (failures >= 0),
        last_failure_at timestamptz,
        blocked_until timestamptz,
        CONSTRAINT login_throttle_pkey PRIMARY KEY (account_key, source_address)
      )`);
    await q.query(`CREATE INDEX login_throttle_last_failure_at_idx ON login_throttle (last_failure_at)`);
    await q.query(`
      CREATE TABLE login_address_throttle (
        source_address inet CONSTRAINT login_address_throttle_pkey PRIMARY KEY,
        failures integer NOT NULL DEFAULT 0 CONSTRAINT login_address_throttle_failures_check CHECK (failures >= 0),
        last_failure_at timestamptz,
        blocked_until timestamptz
      )`);
    await q.query(
      `CREATE INDEX login_address_throttle_last_failure_at_idx ON login_address_throttle (last_failure_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_address_throttle`);
    await q.query(`DROP TABLE login_throttle`);
  }
}
