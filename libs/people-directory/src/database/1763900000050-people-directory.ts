import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * person: what a service knows of identity's accounts (role, display name, status), from identity's
 * events. erased_subject: the bare id of an erased subject, so a late event cannot bring them back.
 * A service may add its own columns to person in its own migrations (e.g. caseload's last activity).
 */
export class PeopleDirectory1763900000050 implements MigrationInterface {
  name = 'PeopleDirectory1763900000050';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE person (
        id uuid CONSTRAINT person_pkey PRIMARY KEY,
        tenant_id uuid NOT NULL,
        -- Null until identity.user.registered.v1 arrives (its profile may come first: other topic).
        role text CONSTRAINT person_role_check CHECK (role IN ('org_admin', 'professional', 'client', 'platform_staff')),
        display_name text,
        status text NOT NULL DEFAULT 'active' CONSTRAINT person_status_check CHECK (status IN ('active', 'deactivated')),
        -- occurredAt of the event that set status: a late, older event does not undo a newer one.
        status_changed_at timestamptz NOT NULL DEFAULT '-infinity',
        training boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE erased_subject (
        id uuid CONSTRAINT erased_subject_pkey PRIMARY KEY,
        erased_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE erased_subject`);
    await q.query(`DROP TABLE person`);
  }
}
