import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tombstone of erasure (libs/data-protection `SubjectRightsRunner`): the bare id of each erased
 * subject and when, nothing else, so that a late event cannot bring them back. Its timestamp follows every migration that
 * made the table before (people directory, content), where it changes nothing; elsewhere it creates it.
 */
export class ErasedSubjects1764300000000 implements MigrationInterface {
  name = 'ErasedSubjects1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS erased_subject (
        id uuid CONSTRAINT erased_subject_pkey PRIMARY KEY,
        erased_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(): Promise<void> {
    // The table may belong to an earlier migration (people directory, content): left as it is.
  }
}
