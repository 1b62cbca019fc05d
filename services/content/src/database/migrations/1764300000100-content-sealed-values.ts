import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every health value sealed with the client's data key, not only texts (docs/data-protection.md):
 * - `module_answer.sealed_value`: a non-text answer (scale, choice, number) as sealed JSON;
 * - `diary_entry.sealed_text`: every value of the entry (numbers too) as sealed JSON, `value` empty;
 * - `questionnaire_response.sealed_score`: answers, total, subscales, band and flags as sealed JSON;
 * - `flag.sealed_code`: the flag's code.
 * The clear columns become nullable and are left empty by new writes. Rows written before this
 * migration are sealed by content at start (`LegacyValueSealer`: sealing needs the keys, which SQL
 * has not), then their clear columns are emptied.
 */
export class ContentSealedValues1764300000100 implements MigrationInterface {
  name = 'ContentSealedValues1764300000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE module_answer ADD COLUMN sealed_value bytea`);
    await q.query(`ALTER TABLE module_answer DROP CONSTRAINT module_answer_one_check`);
    await q.query(
      `ALTER TABLE module_answer ADD CONSTRAINT module_answer_one_check CHECK (num_nonnulls(value, sealed_text, sealed_value) = 1)`,
    );
    await q.query(`ALTER TABLE diary_entry ALTER COLUMN value DROP NOT NULL`);
    await q.query(`ALTER TABLE questionnaire_response ADD COLUMN sealed_score bytea`);
    for (const column of ['answers', 'total', 'subscales', 'flags']) {
      await q.query(`ALTER TABLE questionnaire_response ALTER COLUMN ${column} DROP NOT NULL`);
      await q.query(`ALTER TABLE questionnaire_response ALTER COLUMN ${column} DROP DEFAULT`);
    }
    await q.query(`ALTER TABLE flag ADD COLUMN sealed_code bytea`);
    await q.query(`ALTER TABLE flag ALTER COLUMN code DROP NOT NULL`);
    // Erasure deletes a client's assignments, and with them (cascade) their responses and flags: the
    // cascade looks flags up by these keys, once per deleted row.
    await q.query(`CREATE INDEX flag_assignment_idx ON flag (assignment_id)`);
    await q.query(`CREATE INDEX flag_response_idx ON flag (response_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX flag_response_idx`);
    await q.query(`DROP INDEX flag_assignment_idx`);
    await q.query(`ALTER TABLE flag DROP COLUMN sealed_code`);
    await q.query(`ALTER TABLE questionnaire_response DROP COLUMN sealed_score`);
    await q.query(`ALTER TABLE module_answer DROP CONSTRAINT module_answer_one_check`);
    await q.query(`ALTER TABLE module_answer DROP COLUMN sealed_value`);
    await q.query(
      `ALTER TABLE module_answer ADD CONSTRAINT module_answer_one_check CHECK ((value IS NULL) <> (sealed_text IS NULL))`,
    );
  }
}
