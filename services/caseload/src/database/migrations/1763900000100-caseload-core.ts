import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * person (libs/people-directory) gets the client's last activity. assignment: a client in a professional's caseload,
 * history kept (ended rows stay). colleague_link: a colleague's time-boxed access to a client.
 */
export class CaseloadCore1763900000100 implements MigrationInterface {
  name = 'CaseloadCore1763900000100';

  async up(q: QueryRunner): Promise<void> {
    // person and erased_subject are the people directory's (libs/people-directory, run before this);
    // caseload adds the client's last activity.
    await q.query(`ALTER TABLE person ADD COLUMN last_activity_at timestamptz`);
    // The organisation-wide list (org admins), newest activity first.
    await q.query(
      `CREATE INDEX person_tenant_client_activity_idx ON person (tenant_id, last_activity_at DESC NULLS LAST, id) WHERE role = 'client'`,
    );
    await q.query(`
      CREATE TABLE assignment (
        id uuid CONSTRAINT assignment_pkey PRIMARY KEY,
        tenant_id uuid NOT NULL,
        client_id uuid NOT NULL CONSTRAINT assignment_client_id_fkey REFERENCES person (id) ON DELETE CASCADE,
        professional_id uuid NOT NULL CONSTRAINT assignment_professional_id_fkey REFERENCES person (id) ON DELETE CASCADE,
        assigned_by uuid NOT NULL,
        assigned_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        ended_by uuid,
        end_reason text CONSTRAINT assignment_end_reason_check CHECK (end_reason IN ('removed', 'moved', 'erased')),
        CONSTRAINT assignment_ended_check CHECK ((ended_at IS NULL) = (end_reason IS NULL))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX assignment_active_key ON assignment (client_id, professional_id) WHERE ended_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX assignment_professional_active_idx ON assignment (professional_id, client_id) WHERE ended_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE colleague_link (
        id uuid CONSTRAINT colleague_link_pkey PRIMARY KEY,
        tenant_id uuid NOT NULL,
        client_id uuid NOT NULL CONSTRAINT colleague_link_client_id_fkey REFERENCES person (id) ON DELETE CASCADE,
        professional_id uuid NOT NULL CONSTRAINT colleague_link_professional_id_fkey REFERENCES person (id) ON DELETE CASCADE,
        linked_by uuid NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        revoked_by uuid,
        CONSTRAINT colleague_link_window_check CHECK (valid_until IS NULL OR valid_until > valid_from)
      )`);
    await q.query(`CREATE INDEX colleague_link_client_idx ON colleague_link (client_id)`);
    await q.query(
      `CREATE INDEX colleague_link_professional_open_idx ON colleague_link (professional_id, client_id) WHERE revoked_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE colleague_link`);
    await q.query(`DROP TABLE assignment`);
    await q.query(`DROP INDEX person_tenant_client_activity_idx`);
    await q.query(`ALTER TABLE person DROP COLUMN last_activity_at`);
  }
}
