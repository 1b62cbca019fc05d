import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What clients were given and what they did with it. Every row names its client (client_id), so an
 * erasure deletes by one column; free text (answers, diary notes) is stored only sealed with the
 * client's data key (libs/data-protection), so deleting that key makes every copy unreadable.
 */
export class ContentClientWork1764000000200 implements MigrationInterface {
  name = 'ContentClientWork1764000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE assignment (
        id uuid CONSTRAINT assignment_pkey PRIMARY KEY,
        tenant_id uuid NOT NULL,
        client_id uuid NOT NULL,
        professional_id uuid NOT NULL,
        tool_id uuid NOT NULL CONSTRAINT assignment_tool_id_fkey REFERENCES tool (id),
        -- The revision the client works on: publishing a newer one never changes it.
        revision_id uuid NOT NULL CONSTRAINT assignment_revision_id_fkey REFERENCES tool_revision (id),
        kind text NOT NULL CONSTRAINT assignment_kind_check CHECK (kind IN ('module', 'diary', 'questionnaire')),
        -- Modules: the chosen sessions (keys) in the client's order; null = every session, as published.
        sessions text[],
        -- Modules: sessions combined into one step, as the sizes of consecutive groups of \`sessions\`
        -- ({2,1}: the first two sessions are one step); null = one session per step.
        step_sizes integer[],
        supported boolean NOT NULL DEFAULT false,
        -- Questionnaires: answered again every so many days; null = once.
        every_days integer CONSTRAINT assignment_every_days_check CHECK (every_days BETWEEN 1 AND 365),
        status text NOT NULL DEFAULT 'active' CONSTRAINT assignment_status_check CHECK (status IN ('active', 'withdrawn')),
        -- Where the client left off (resume on any device).
        position_session text,
        position_page text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        withdrawn_at timestamptz,
        withdrawn_by uuid,
        CONSTRAINT assignment_withdrawn_check CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX assignment_client_idx ON assignment (client_id, created_at)`);
    await q.query(`
      CREATE TABLE module_answer (
        assignment_id uuid NOT NULL CONSTRAINT module_answer_assignment_id_fkey REFERENCES assignment (id) ON DELETE CASCADE,
        client_id uuid NOT NULL,
        session_key text NOT NULL,
        page_key text NOT NULL,
        block_key text NOT NULL,
        -- Either a value (scale point, choice keys) or sealed free text, never both.
        value jsonb,
        sealed_text bytea,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT module_answer_pkey PRIMARY KEY (assignment_id, session_key, page_key, block_key),
        CONSTRAINT module_answer_one_check CHECK ((value IS NULL) <> (sealed_text IS NULL))
      )`);
    await q.query(`CREATE INDEX module_answer_client_idx ON module_answer (client_id)`);
    await q.query(`
      CREATE TABLE page_progress (
        assignment_id uuid NOT NULL CONSTRAINT page_progress_assignment_id_fkey REFERENCES assignment (id) ON DELETE CASCADE,
        client_id uuid NOT NULL,
        session_key text NOT NULL,
        page_key text NOT NULL,
        completed_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT page_progress_pkey PRIMARY KEY (assignment_id, session_key, page_key)
      )`);
    await q.query(`
      CREATE TABLE session_completion (
        assignment_id uuid NOT NULL CONSTRAINT session_completion_assignment_id_fkey REFERENCES assignment (id) ON DELETE CASCADE,
        client_id uuid NOT NULL,
        session_key text NOT NULL,
        completed_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT session_completion_pkey PRIMARY KEY (assignment_id, session_key)
      )`);
    await q.query(`
      CREATE TABLE exercise_feedback (
        id uuid CONSTRAINT exercise_feedback_pkey PRIMARY KEY,
        assignment_id uuid NOT NULL CONSTRAINT exercise_feedback_assignment_id_fkey REFERENCES assignment (id) ON DELETE CASCADE,
        client_id uuid NOT NULL,
        session_key text NOT NULL,
        author_id uuid NOT NULL,
        sealed_text bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX exercise_feedback_assignment_idx ON exercise_feedback (assignment_id, created_at)`,
    );
    await q.query(`
      CREATE TABLE diary_entry (
        id uuid CONSTRAINT diary_entry_pkey PRIMARY KEY,
        tenant_id uuid NOT NULL,
        client_id uuid NOT NULL,
        assignment_id uuid NOT NULL CONSTRAINT diary_entry_assignment_id_fkey REFERENCES assignment (id) ON DELETE CASCADE,
        recorded_at timestamptz NOT NULL,
        -- Scales, numbers, choices and times (not free text).
        value jsonb NOT NULL,
        -- The free-text fields, as one sealed JSON object; null when there were none.
        sealed_text bytea,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX diary_entry_assignment_idx ON diary_entry (assignment_id, recorded_at)`);
    await q.query(`CREATE INDEX diary_entry_client_idx ON diary_entry (client_id, recorded_at)`);
    await q.query(`
      CREATE TABLE questionnaire_response (
        id uuid CONSTRAINT questionnaire_response_pkey PRIMARY KEY,
        tenant_id uuid NOT NULL,
        client_id uuid NOT NULL,
        assignment_id uuid NOT NULL CONSTRAINT questionnaire_response_assignment_id_fkey REFERENCES assignment (id) ON DELETE CASCADE,
        revision_id uuid NOT NULL CONSTRAINT questionnaire_response_revision_id_fkey REFERENCES tool_revision (id),
        -- Item key → the chosen option's value (numbers only).
        answers jsonb NOT NULL,
        total numeric NOT NULL,
        subscales jsonb NOT NULL DEFAULT '{}',
        band text,
        flags text[] NOT NULL DEFAULT '{}',
        submitted_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX questionnaire_response_assignment_idx ON questionnaire_response (assignment_id, submitted_at)`,
    );
    await q.query(
      `CREATE INDEX questionnaire_response_client_idx ON questionnaire_response (client_id, submitted_at)`,
    );
    await q.query(`
      CREATE TABLE flag (
        id uuid CONSTRAINT flag_pkey PRIMARY KEY,
        tenant_id uuid NOT NULL,
        client_id uuid NOT NULL,
        assignment_id uuid NOT NULL CONSTRAINT flag_assignment_id_fkey REFERENCES assignment (id) ON DELETE CASCADE,
        response_id uuid NOT NULL CONSTRAINT flag_response_id_fkey REFERENCES questionnaire_response (id) ON DELETE CASCADE,
        code text NOT NULL,
        raised_at timestamptz NOT NULL DEFAULT now(),
        acknowledged_at timestamptz,
        acknowledged_by uuid
      )`);
    await q.query(
      `CREATE INDEX flag_client_open_idx ON flag (client_id, raised_at) WHERE acknowledged_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE report_share (
        id uuid CONSTRAINT report_share_pkey PRIMARY KEY,
        tenant_id uuid NOT NULL,
        client_id uuid NOT NULL,
        -- SHA-256 of the link's token; the token itself is shown once and never stored.
        token_hash bytea NOT NULL CONSTRAINT report_share_token_hash_key UNIQUE,
        -- The tools the recipient may see (null: every diary and questionnaire of the client).
        tool_ids uuid[],
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        last_opened_at timestamptz,
        CONSTRAINT report_share_window_check CHECK (expires_at > created_at)
      )`);
    await q.query(`CREATE INDEX report_share_client_idx ON report_share (client_id, created_at)`);
    // Ids of erased subjects (an id, nothing else): nothing may be assigned to them again.
    await q.query(`
      CREATE TABLE erased_subject (
        id uuid CONSTRAINT erased_subject_pkey PRIMARY KEY,
        erased_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'erased_subject',
      'report_share',
      'flag',
      'questionnaire_response',
      'diary_entry',
      'exercise_feedback',
      'session_completion',
      'page_progress',
      'module_answer',
      'assignment',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
