import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The NEN 7513 access log. Run by the schema's owner (DATABASE_OWNER_URL); the runtime role
 * (`therapy_room.runtime_role`) keeps SELECT and INSERT on the log tables only, and a trigger refuses
 * UPDATE, DELETE and TRUNCATE to everyone but the owner (the retention sweep), superusers included
 * unless they switch triggers off — which `audit verify` then catches through the hash chain.
 *
 * audit_record: one record per (event, subject), chained per organisation (position 1, 2, …; hash =
 * SHA-256(prev_hash || canonical record)). People appear only as per-organisation pseudonyms.
 * audit_checkpoint: signed chain heads. audit_chain_head: the working head per organisation (locked FOR
 * UPDATE to serialise appends). subject_pseudonym: pseudonym → person, deleted on erasure;
 * erased_pseudonym: pseudonyms whose person was erased (a late event must not name them again).
 */
export class AuditLog1764200000100 implements MigrationInterface {
  name = 'AuditLog1764200000100';

  async up(q: QueryRunner): Promise<void> {
    const [{ role }] = (await q.query(
      `SELECT current_setting('therapy_room.runtime_role', true) AS role`,
    )) as {
      role: string | null;
    }[];
    if (!role || !/^[a-z_][a-z0-9_]*$/.test(role)) {
      throw new Error(
        'audit migrates as the schema owner (DATABASE_OWNER_URL) and needs the runtime role name',
      );
    }
    await q.query(`
      CREATE TABLE audit_record (
        tenant_id uuid NOT NULL,
        position bigint NOT NULL,
        recorded_at timestamptz NOT NULL,
        occurred_at timestamptz NOT NULL,
        event_id uuid NOT NULL,
        action text NOT NULL,
        outcome text NOT NULL,
        reason text,
        actor_ps text,
        actor_role text,
        responsible_ps text,
        grant_id uuid,
        subject_ps text,
        object_type text NOT NULL,
        object_id text,
        sensitivity text NOT NULL,
        basis text,
        source_service text NOT NULL,
        source_address text NOT NULL,
        request_id text NOT NULL,
        prev_hash bytea NOT NULL,
        hash bytea NOT NULL,
        CONSTRAINT audit_record_pkey PRIMARY KEY (tenant_id, position),
        CONSTRAINT audit_record_position_check CHECK (position > 0),
        CONSTRAINT audit_record_hash_check CHECK (octet_length(hash) = 32 AND octet_length(prev_hash) = 32)
      )`);
    // A client's contact history and a search by client: newest first within the organisation.
    await q.query(
      `CREATE INDEX audit_record_subject_idx ON audit_record (tenant_id, subject_ps, position DESC)`,
    );
    await q.query(`CREATE INDEX audit_record_actor_idx ON audit_record (tenant_id, actor_ps, position DESC)`);
    await q.query(`CREATE INDEX audit_record_occurred_idx ON audit_record (tenant_id, occurred_at)`);
    await q.query(`
      CREATE TABLE audit_checkpoint (
        id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT audit_checkpoint_pkey PRIMARY KEY,
        tenant_id uuid NOT NULL,
        position bigint NOT NULL,
        hash bytea NOT NULL,
        kind text NOT NULL CONSTRAINT audit_checkpoint_kind_check CHECK (kind IN ('periodic', 'sweep')),
        removed_through bigint,
        signed_at timestamptz NOT NULL,
        kid text NOT NULL,
        signature bytea NOT NULL,
        CONSTRAINT audit_checkpoint_removed_check CHECK ((kind = 'sweep') = (removed_through IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX audit_checkpoint_tenant_idx ON audit_checkpoint (tenant_id, position)`);
    await q.query(`
      CREATE TABLE audit_chain_head (
        tenant_id uuid CONSTRAINT audit_chain_head_pkey PRIMARY KEY,
        position bigint NOT NULL,
        hash bytea NOT NULL,
        checkpointed_position bigint NOT NULL DEFAULT 0,
        first_unchecked_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE subject_pseudonym (
        tenant_id uuid NOT NULL,
        pseudonym text NOT NULL,
        subject_id uuid NOT NULL,
        CONSTRAINT subject_pseudonym_pkey PRIMARY KEY (tenant_id, pseudonym)
      )`);
    await q.query(`CREATE INDEX subject_pseudonym_subject_idx ON subject_pseudonym (subject_id)`);
    await q.query(`
      CREATE TABLE erased_pseudonym (
        tenant_id uuid NOT NULL,
        pseudonym text NOT NULL,
        erased_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT erased_pseudonym_pkey PRIMARY KEY (tenant_id, pseudonym)
      )`);
    // Organisations by slug (identity.tenant.created.v1), for `audit verify --tenant <slug>`.
    await q.query(`
      CREATE TABLE tenant (
        id uuid CONSTRAINT tenant_pkey PRIMARY KEY,
        slug text NOT NULL CONSTRAINT tenant_slug_key UNIQUE
      )`);

    // Append-only: the runtime role reads and appends; only the owner (the retention sweep) may remove.
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON audit_record, audit_checkpoint FROM ${role}`);
    await q.query(`REVOKE UPDATE, TRUNCATE ON erased_pseudonym FROM ${role}`);
    await q.query(`
      CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF current_user <> (SELECT tableowner FROM pg_tables
                             WHERE schemaname = TG_TABLE_SCHEMA AND tablename = TG_TABLE_NAME) THEN
          RAISE EXCEPTION 'audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
      END $$`);
    for (const table of ['audit_record', 'audit_checkpoint']) {
      await q.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
           FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
      );
      await q.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
           FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tenant`);
    await q.query(`DROP TABLE erased_pseudonym`);
    await q.query(`DROP TABLE subject_pseudonym`);
    await q.query(`DROP TABLE audit_chain_head`);
    await q.query(`DROP TABLE audit_checkpoint`);
    await q.query(`DROP TABLE audit_record`);
    await q.query(`DROP FUNCTION audit_refuse_change()`);
  }
}
