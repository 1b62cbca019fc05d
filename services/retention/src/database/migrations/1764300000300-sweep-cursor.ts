import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * sweep_cursor: how far the day's expiry sweep got in each organisation (clients in id order), so a
 * sweep stopped midway (a restart, a deploy) resumes where it stopped and a finished day is not swept
 * again.
 */
export class SweepCursor1764300000300 implements MigrationInterface {
  name = 'SweepCursor1764300000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sweep_cursor (
        tenant_id uuid NOT NULL,
        day date NOT NULL,
        last_client_id uuid,
        started integer NOT NULL DEFAULT 0,
        finished_at timestamptz,
        CONSTRAINT sweep_cursor_pkey PRIMARY KEY (tenant_id, day)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sweep_cursor`);
  }
}
