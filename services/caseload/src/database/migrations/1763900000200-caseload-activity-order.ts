import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The client's last activity, copied onto their caseload rows, so that a professional's caseload page
 * sorted by last activity is read in order from one index (a top-50 of 2,000 rows) instead of joining
 * and sorting the whole caseload (measured in tools/bench: ~50 ms → ~2 ms with 100,000 clients).
 * person.last_activity_at stays the source; PeopleRepository.active keeps the copies in step.
 */
export class CaseloadActivityOrder1763900000200 implements MigrationInterface {
  name = 'CaseloadActivityOrder1763900000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE assignment ADD COLUMN client_last_activity_at timestamptz`);
    await q.query(`ALTER TABLE colleague_link ADD COLUMN client_last_activity_at timestamptz`);
    await q.query(`
      UPDATE assignment a SET client_last_activity_at = p.last_activity_at
        FROM person p WHERE p.id = a.client_id AND p.last_activity_at IS NOT NULL`);
    await q.query(`
      UPDATE colleague_link l SET client_last_activity_at = p.last_activity_at
        FROM person p WHERE p.id = l.client_id AND p.last_activity_at IS NOT NULL`);
    await q.query(
      `CREATE INDEX assignment_professional_activity_idx
         ON assignment (professional_id, client_last_activity_at DESC NULLS LAST, client_id) WHERE ended_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX assignment_professional_activity_idx`);
    await q.query(`ALTER TABLE colleague_link DROP COLUMN client_last_activity_at`);
    await q.query(`ALTER TABLE assignment DROP COLUMN client_last_activity_at`);
  }
}
