import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Platform staff access grants. An operator tenant (`tenant.is_operator`) holds the platform's own
 * staff; a `staff_access_grant` lets one of them act in another organisation once an org admin of
 * that organisation approved it, from `valid_from` to `valid_until`. A staff session records the
 * grant it acts under (`session.acting_tenant_id`, `session.grant_id`); resolution checks the grant
 * on every resolve. `decided_by`/`revoked_by` are plain ids (no foreign key), so erasing an admin
 * keeps the grant's record; erasing the requester deletes their grants (the audit log keeps them).
 * Expand-only: two nullable session columns, one tenant column with a constant default, one table.
 */
export class StaffAccess1763800000800 implements MigrationInterface {
  name = 'StaffAccess1763800000800';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenant ADD COLUMN is_operator boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE TABLE staff_access_grant (
        id uuid CONSTRAINT staff_access_grant_pkey PRIMARY KEY,
        tenant_id uuid NOT NULL CONSTRAINT staff_access_grant_tenant_id_fkey REFERENCES tenant (id),
        requester_id uuid NOT NULL
          CONSTRAINT staff_access_grant_requester_id_fkey REFERENCES user_account (id) ON DELETE CASCADE,
        reason text NOT NULL
          CONSTRAINT staff_access_grant_reason_check CHECK (char_length(reason) BETWEEN 20 AND 500),
        duration_minutes integer NOT NULL
          CONSTRAINT staff_access_grant_duration_minutes_check CHECK (duration_minutes BETWEEN 15 AND 480),
        status text NOT NULL CONSTRAINT staff_access_grant_status_check
          CHECK (status IN ('requested', 'approved', 'denied', 'revoked')),
        requested_at timestamptz NOT NULL,
        decided_by uuid,
        decided_at timestamptz,
        valid_from timestamptz,
        valid_until timestamptz,
        revoked_by uuid,
        revoked_at timestamptz,
        CONSTRAINT staff_access_grant_decider_check CHECK (decided_by IS NULL OR decided_by <> requester_id),
        CONSTRAINT staff_access_grant_validity_check CHECK (
          status NOT IN ('approved', 'revoked') OR (valid_from IS NOT NULL AND valid_until > valid_from)
        )
      )`);
    await q.query(
      `CREATE INDEX staff_access_grant_tenant_id_status_idx ON staff_access_grant (tenant_id, status)`,
    );
    await q.query(`CREATE INDEX staff_access_grant_requester_id_idx ON staff_access_grant (requester_id)`);
    await q.query(`
      ALTER TABLE session
        ADD COLUMN acting_tenant_id uuid CONSTRAINT session_acting_tenant_id_fkey REFERENCES tenant (id),
        ADD COLUMN grant_id uuid
          CONSTRAINT session_grant_id_fkey REFERENCES staff_access_grant (id) ON DELETE SET NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE session DROP COLUMN grant_id, DROP COLUMN acting_tenant_id`);
    await q.query(`DROP TABLE staff_access_grant`);
    await q.query(`ALTER TABLE tenant DROP COLUMN is_operator`);
  }
}
