import { Client } from 'pg';
import { retentionErasureScheduledV1 } from '@therapy-room/contracts';
import { expectEventually } from '@therapy-room/testing';
import { startRetention, type RetentionFixture } from '../support/retention-fixture';

/** The daily expiry sweep: who it erases (and who not), once per day, one replica at a time; the dry run. */
describe('retention: statutory expiry sweep', () => {
  let fx: RetentionFixture;
  beforeAll(async () => {
    fx = await startRetention();
  });
  afterAll(() => fx?.stop());

  it('schedules erasure of clients whose period ended (NL: 20 years from the next 1 January), not held ones or those still in treatment; dry run first', async () => {
    const org = await fx.organisation('eea');
    const [expired, held, inTreatment] = await fx.announce(org.tenantId, [
      { role: 'client', name: 'Ex Pired' },
      { role: 'client', name: 'Hel D' },
      { role: 'client', name: 'Still Here' },
    ]);
    const ended = new Date();
    for (const client of [expired, held]) {
      const grantId = await fx.grant(org.pro, client);
      await fx.revoke(grantId, org.pro, client);
    }
    await fx.grant(org.pro, inTreatment);
    await expectEventually(async () =>
      expect(
        await fx.db.query(
          `SELECT client_id FROM ${fx.schema}.client_activity WHERE tenant_id = $1 AND open_assignments = 0
             AND last_assignment_end IS NOT NULL`,
          [org.tenantId],
        ),
      ).toHaveLength(2),
    );
    await fx
      .as(org.admin)
      .put(`/retention/clients/${held.id}/legal-hold`, { reason: 'complaint procedure' })
      .expect(200);

    // The last day before expiry: nothing is due.
    const expiry = new Date(Date.UTC(ended.getUTCFullYear() + 21, 0, 1));
    fx.clock.set(new Date(expiry.getTime() - 1000));
    expect((await fx.as(org.admin).get('/retention/sweep/dry-run').expect(200)).body.items).toEqual([]);

    fx.clock.set(expiry);
    const report = (await fx.as(org.admin).get('/retention/sweep/dry-run').expect(200)).body;
    expect(report.items).toEqual([
      expect.objectContaining({ clientId: expired.id, expiredOn: expiry.toISOString().slice(0, 10) }),
    ]);
    await fx.as(org.pro).get('/retention/sweep/dry-run').expect(403);
    // A dry run changes nothing.
    expect(
      await fx.db.query(`SELECT 1 FROM ${fx.schema}.subject_request WHERE tenant_id = $1`, [org.tenantId]),
    ).toEqual([]);

    await fx.tick();
    const list = (await fx.as(org.admin).get('/retention/requests').expect(200)).body.items;
    expect(list).toEqual([
      expect.objectContaining({
        clientId: expired.id,
        kind: 'erasure',
        reason: 'retention_expired',
        state: 'pending',
      }),
    ]);
    const scheduled = await expectEventually(() => {
      const found = fx.eventsOf(retentionErasureScheduledV1.topic, list[0].id);
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(scheduled.payload.approvedBy).toBeNull();

    // The same day again: nothing new (the day is done; the client has an open erasure anyway).
    await fx.tick();
    expect((await fx.as(org.admin).get('/retention/requests').expect(200)).body.items).toHaveLength(1);
    expect((await fx.as(org.admin).get('/retention/sweep/dry-run').expect(200)).body.items).toEqual([]);
  });

  it('one replica at a time: an organisation whose sweep lock is held elsewhere is left for the next tick', async () => {
    const org = await fx.organisation('uk');
    const [client] = await fx.announce(org.tenantId, [{ role: 'client', name: 'Gone Long' }]);
    const grantId = await fx.grant(org.pro, client);
    await fx.revoke(grantId, org.pro, client);
    await expectEventually(async () =>
      expect(
        await fx.db.query(
          `SELECT 1 FROM ${fx.schema}.client_activity WHERE client_id = $1 AND open_assignments = 0`,
          [client.id],
        ),
      ).toHaveLength(1),
    );
    fx.clock.set(new Date(fx.clock.now().getTime() + 9 * 366 * 24 * 3600 * 1000));

    const other = new Client({ connectionString: fx.service.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`SELECT pg_advisory_xact_lock(hashtextextended('retention-sweep:' || $1, 0))`, [
        org.tenantId,
      ]);
      await fx.tick();
      expect((await fx.as(org.admin).get('/retention/requests').expect(200)).body.items).toEqual([]);
      await other.query('COMMIT');
    } finally {
      await other.end();
    }
    await fx.tick();
    expect((await fx.as(org.admin).get('/retention/requests').expect(200)).body.items).toEqual([
      expect.objectContaining({ clientId: client.id, reason: 'retention_expired', state: 'pending' }),
    ]);
  });
});
