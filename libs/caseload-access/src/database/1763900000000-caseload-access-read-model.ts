import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The caseload read model of a service that imports CaseloadAccessModule, in that service's own schema
 * (the connection's search_path). Listed after PlatformOutboxInbox1763800000000 in the service's
 * migration list.
 *
 * `caseload_access_grant` holds the grants as caseload published them; whether one is active is decided
 * at query time from its window, so a time-boxed link ends without another event. There is
 * deliberately no check that valid_until > valid_from: the contract accepts any pair it considers
 * ordered, and a read model that refused an accepted event would stall its partition; an empty window
 * simply never grants access.
 *
 * `caseload_access_revoked_grant` remembers revoked grant ids (no people's ids), because granted and
 * revoked travel on different topics, consumed independently: a revocation handled before its grant
 * must not let the late grant in.
 */
export class CaseloadAccessReadModel1763900000000 implements MigrationInterface {
  name = 'CaseloadAccessReadModel1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE caseload_access_grant (
        grant_id uuid CONSTRAINT caseload_access_grant_pkey PRIMARY KEY,
        tenant_id uuid NOT NULL,
        kind text NOT NULL
          CONSTRAINT caseload_access_grant_kind_check CHECK (kind IN ('assignment', 'link')),
        professional_id uuid NOT NULL,
        client_id uuid NOT NULL,
        valid_from timestamptz,
        valid_until timestamptz,
        granted_at timestamptz NOT NULL
      )`);
    // canAccess and clientsOf (leading column); professionalsOf.
    await q.query(`
      CREATE INDEX caseload_access_grant_professional_id_client_id_idx
        ON caseload_access_grant (professional_id, client_id)`);
    await q.query(`CREATE INDEX caseload_access_grant_client_id_idx ON caseload_access_grant (client_id)`);
    await q.query(`
      CREATE TABLE caseload_access_revoked_grant (
        grant_id uuid CONSTRAINT caseload_access_revoked_grant_pkey PRIMARY KEY,
        tenant_id uuid NOT NULL,
        revoked_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE caseload_access_revoked_grant`);
    await q.query(`DROP TABLE caseload_access_grant`);
  }
}
