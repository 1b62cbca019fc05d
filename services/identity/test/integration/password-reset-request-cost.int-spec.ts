import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { requestContext } from '@therapy-room/platform';
import { startInProcessService, uniqueName, type InProcessService } from '@therapy-room/testing';
import { AppModule } from '../../src/app.module';
import { PasswordHasher } from '../../src/common/password-hasher';
import { TenantsService } from '../../src/tenants/tenants.service';
import { UsersService } from '../../src/users/users.service';
import { createTenantSchema } from '../../src/tenants/dto/create-tenant.dto';
import { PasswordResetService } from '../../src/password-reset/password-reset.service';

const PASSWORD = 'Correct-Horse-Battery-9!';

describe('password reset requests cost the same whether the organisation or account exists (identity, real PostgreSQL)', () => {
  let identity: InProcessService;
  let app: NestExpressApplication;
  let statements: jest.SpyInstance;
  let hashing: jest.SpyInstance[];

  /**
   * The SQL one request runs, in order, with the statement text only (parameters differ by design).
   * Nothing else runs meanwhile: the relays and sweeps are off in this file.
   * No password hashing either, whatever exists.
   */
  async function statementsOf(organisation: string, email: string): Promise<string[]> {
    statements.mockClear();
    for (const spy of hashing) spy.mockClear();
    await requestContext.run({ requestId: `test-${randomUUID()}`, sourceAddress: '192.0.2.9' }, () =>
      app.get(PasswordResetService).request({ organisation, email }),
    );
    for (const spy of hashing) expect(spy).not.toHaveBeenCalled();
    return (
      statements.mock.calls
        .map(([sql]) => String(sql).replace(/\s+/g, ' ').trim())
        // The outbox's NOTIFY goes out after commit, off the request's path, on a 50 ms timer.
        .filter((sql) => !sql.startsWith('SELECT pg_notify'))
    );
  }
  const mailsFor = async (email: string) => {
    const [row] = await app.get(DataSource).query(
      `SELECT count(*)::int AS n FROM mail_outbox m JOIN user_account u ON u.id = m.user_id
          WHERE u.email = $1 AND m.kind = 'password_reset'`,
      [email],
    );
    return row.n as number;
  };

  beforeAll(async () => {
    identity = await startInProcessService(AppModule, 'identity', {
      consume: false,
      env: { OUTBOX_RELAY_ENABLED: 'false', STAFF_GRANT_SWEEP_SECONDS: '300' },
    });
    app = identity.app;
    statements = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    const hasher = app.get(PasswordHasher);
    hashing = [jest.spyOn(hasher, 'hash'), jest.spyOn(hasher, 'verify')];
  });
  afterAll(async () => {
    statements?.mockRestore();
    await identity?.stop();
  });

  it('runs the same statements, in the same order, for an active account, a throttled one, an invited one, an unknown e-mail and an unknown organisation', async () => {
    const slug = uniqueName('org').replace(/_/g, '-');
    const admin = { email: `admin@${slug}.example`, displayName: 'Admin', password: PASSWORD };
    const tenant = await app
      .get(TenantsService)
      .createWithAdmin(createTenantSchema.parse({ slug, name: `Org ${slug}`, region: 'eea', admin }));
    const invited = `${uniqueName('invited')}@example.org`;
    await app.get(DataSource).transaction((manager) =>
      app.get(UsersService).addUser(manager, {
        tenantId: tenant.tenantId,
        email: invited,
        displayName: 'Invited',
        role: 'client',
        status: 'invited',
        passwordHash: null,
      }),
    );

    const active = await statementsOf(slug, admin.email);
    expect(await mailsFor(admin.email)).toBe(1);
    await statementsOf(slug, admin.email);
    await statementsOf(slug, admin.email);
    expect(await mailsFor(admin.email)).toBe(3);
    const throttled = await statementsOf(slug, admin.email);
    expect(await mailsFor(admin.email)).toBe(3);
    const notActive = await statementsOf(slug, invited);
    expect(await mailsFor(invited)).toBe(0);
    const unknownEmail = await statementsOf(slug, `nobody@${slug}.example`);
    const unknownOrg = await statementsOf(`no-such-${slug}`, admin.email);

    expect(active.length).toBeGreaterThan(5);
    expect(active.some((sql) => sql.includes('INSERT INTO mail_outbox'))).toBe(true);
    for (const other of [throttled, notActive, unknownEmail, unknownOrg]) expect(other).toEqual(active);
  });
});
