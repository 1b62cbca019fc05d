import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * caseload_setting: an organisation's caseload rules, set by its administrators; no row means the
 * defaults (professionals do not take clients nobody has).
 *
 * A professional's erasure keeps their clients' history: the assignment and link rows stay, the
 * reference to the person is nulled (ON DELETE SET NULL) instead of the rows being deleted with them.
 * Only ended assignments may lose their professional. Who assigned, ended, linked or revoked becomes
 * null too when that person is erased (no foreign key: erasure nulls them explicitly).
 */
export class CaseloadSettingsAndHistory1763900000300 implements MigrationInterface {
  name = 'CaseloadSettingsAndHistory1763900000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE caseload_setting (
        tenant_id uuid CONSTRAINT caseload_setting_pkey PRIMARY KEY,
        professionals_may_take_unassigned boolean NOT NULL DEFAULT false,
        updated_by uuid NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`ALTER TABLE assignment DROP CONSTRAINT assignment_professional_id_fkey`);
    await q.query(`
      ALTER TABLE assignment
        ALTER COLUMN professional_id DROP NOT NULL,
        ALTER COLUMN assigned_by DROP NOT NULL,
        ADD CONSTRAINT assignment_professional_id_fkey FOREIGN KEY (professional_id)
          REFERENCES person (id) ON DELETE SET NULL,
        ADD CONSTRAINT assignment_erased_professional_check
          CHECK (professional_id IS NOT NULL OR ended_at IS NOT NULL)`);
    await q.query(`ALTER TABLE colleague_link DROP CONSTRAINT colleague_link_professional_id_fkey`);
    await q.query(`
      ALTER TABLE colleague_link
        ALTER COLUMN professional_id DROP NOT NULL,
        ALTER COLUMN linked_by DROP NOT NULL,
        ADD CONSTRAINT colleague_link_professional_id_fkey FOREIGN KEY (professional_id)
          REFERENCES person (id) ON DELETE SET NULL,
        ADD CONSTRAINT colleague_link_erased_professional_check
          CHECK (professional_id IS NOT NULL OR revoked_at IS NOT NULL)`);
    // Links a professional granted for a client, found when their assignment ends.
    await q.query(
      `CREATE INDEX colleague_link_linked_by_open_idx ON colleague_link (client_id, linked_by) WHERE revoked_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX colleague_link_linked_by_open_idx`);
    await q.query(`DELETE FROM colleague_link WHERE professional_id IS NULL`);
    await q.query(`DELETE FROM assignment WHERE professional_id IS NULL`);
    await q.query(`
      ALTER TABLE colleague_link
        DROP CONSTRAINT colleague_link_erased_professional_check,
        DROP CONSTRAINT colleague_link_professional_id_fkey,
        ALTER COLUMN professional_id SET NOT NULL,
        ADD CONSTRAINT colleague_link_professional_id_fkey FOREIGN KEY (professional_id)
          REFERENCES person (id) ON DELETE CASCADE`);
    await q.query(`
      ALTER TABLE assignment
        DROP CONSTRAINT assignment_erased_professional_check,
        DROP CONSTRAINT assignment_professional_id_fkey,
        ALTER COLUMN professional_id SET NOT NULL,
        ADD CONSTRAINT assignment_professional_id_fkey FOREIGN KEY (professional_id)
          REFERENCES person (id) ON DELETE CASCADE`);
    await q.query(`DROP TABLE caseload_setting`);
  }
}
