import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention's own tables.
 *
 * - retention_policy: per organisation, chosen at tenant creation from the region's country defaults
 *   (docs/retention.md names the sources) and changed by its org admins.
 * - subject_request: one erasure or export request as a persisted state machine. At most one open
 *   request per (organisation, subject, kind): asking again answers the open one. `subject_id` is
 *   nulled when an erasure completes; the certificate names the subject by `subject_ps` (keyed hash).
 * - request_transition: every state change, in order (who, when).
 * - request_participant: the services that must confirm (from the contract registry), their
 *   confirmation time and counts.
 * - legal_hold: blocks every erasure of the client while it exists.
 * - client_activity: the projection that dates the end of treatment (assignments and activity events).
 */
export class RetentionCore1764300000100 implements MigrationInterface {
  name = 'RetentionCore1764300000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE retention_policy (
        tenant_id uuid CONSTRAINT retention_policy_pkey PRIMARY KEY,
        country text NOT NULL CONSTRAINT retention_policy_country_check CHECK (country IN ('NL', 'GB')),
        years_after_treatment integer NOT NULL
          CONSTRAINT retention_policy_years_check CHECK (years_after_treatment BETWEEN 1 AND 115),
        erasure_before_expiry text NOT NULL
          CONSTRAINT retention_policy_erasure_before_expiry_check CHECK (erasure_before_expiry IN ('allowed', 'refused')),
        grace_days integer NOT NULL DEFAULT 30
          CONSTRAINT retention_policy_grace_days_check CHECK (grace_days BETWEEN 14 AND 90),
        idle_days integer CONSTRAINT retention_policy_idle_days_check CHECK (idle_days BETWEEN 30 AND 3650),
        updated_by uuid,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE subject_request (
        id uuid CONSTRAINT subject_request_pkey PRIMARY KEY,
        tenant_id uuid NOT NULL,
        subject_id uuid,
        subject_ps text NOT NULL,
        kind text NOT NULL CONSTRAINT subject_request_kind_check CHECK (kind IN ('erasure', 'export')),
        reason text NOT NULL
          CONSTRAINT subject_request_reason_check CHECK (reason IN ('client_request', 'retention_expired')),
        state text NOT NULL CONSTRAINT subject_request_state_check CHECK (state IN
          ('requested', 'approved', 'pending', 'running', 'completed', 'failed', 'cancelled', 'refused')),
        requested_by uuid,
        requested_by_role text NOT NULL,
        requested_at timestamptz NOT NULL,
        approved_by uuid,
        approved_at timestamptz,
        runs_at timestamptz,
        on_hold boolean NOT NULL DEFAULT false,
        attempts integer NOT NULL DEFAULT 0,
        last_sent_at timestamptz,
        stuck_at timestamptz,
        possible_from date,
        completed_at timestamptz,
        CONSTRAINT subject_request_subject_check CHECK (subject_id IS NOT NULL OR state IN ('completed', 'failed'))
      )`);
    await q.query(`
      CREATE UNIQUE INDEX subject_request_open_key ON subject_request (tenant_id, subject_id, kind)
        WHERE state IN ('requested', 'approved', 'pending', 'running')`);
    await q.query(`
      CREATE INDEX subject_request_due_idx ON subject_request (state, runs_at)
        WHERE state IN ('pending', 'running')`);
    await q.query(`
      CREATE TABLE request_transition (
        position bigserial CONSTRAINT request_transition_pkey PRIMARY KEY,
        request_id uuid NOT NULL CONSTRAINT request_transition_request_id_fkey
          REFERENCES subject_request (id) ON DELETE CASCADE,
        from_state text,
        to_state text NOT NULL,
        by_user uuid,
        at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX request_transition_request_idx ON request_transition (request_id, position)`);
    await q.query(`
      CREATE TABLE request_participant (
        request_id uuid NOT NULL CONSTRAINT request_participant_request_id_fkey
          REFERENCES subject_request (id) ON DELETE CASCADE,
        service text NOT NULL,
        confirmed_at timestamptz,
        counts jsonb,
        CONSTRAINT request_participant_pkey PRIMARY KEY (request_id, service)
      )`);
    await q.query(`
      CREATE TABLE legal_hold (
        tenant_id uuid NOT NULL,
        subject_id uuid NOT NULL,
        reason text NOT NULL,
        placed_by uuid NOT NULL,
        placed_at timestamptz NOT NULL,
        CONSTRAINT legal_hold_pkey PRIMARY KEY (tenant_id, subject_id)
      )`);
    await q.query(`
      CREATE TABLE client_activity (
        client_id uuid CONSTRAINT client_activity_pkey PRIMARY KEY,
        tenant_id uuid NOT NULL,
        open_assignments integer NOT NULL DEFAULT 0,
        last_assignment_end timestamptz,
        last_activity_at timestamptz
      )`);
    await q.query(`CREATE INDEX client_activity_tenant_idx ON client_activity (tenant_id)`);
    await q.query(`
      CREATE TABLE client_assignment (
        grant_id uuid CONSTRAINT client_assignment_pkey PRIMARY KEY,
        client_id uuid NOT NULL,
        ended_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'client_assignment',
      'client_activity',
      'legal_hold',
      'request_participant',
      'request_transition',
      'subject_request',
      'retention_policy',
    ])
      await q.query(`DROP TABLE ${t}`);
  }
}
