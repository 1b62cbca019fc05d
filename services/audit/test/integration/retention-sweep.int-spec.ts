import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { SweepService } from '../../src/retention/sweep.service';
import { startAudit, type AuditFixture } from '../support/audit-fixture';

/** The end of retention: old records go behind a signed sweep checkpoint, and the log still verifies. */
describe('audit: retention sweep', () => {
  let fx: AuditFixture;

  beforeAll(async () => {
    fx = await startAudit([], { AUDIT_RETENTION_YEARS: '5', AUDIT_CHECKPOINT_EVERY_RECORDS: '4' });
  });
  afterAll(() => fx?.stop());

  it('removes records older than the retention through the owner, states it in a signed checkpoint, verify still passes', async () => {
    const tenantId = randomUUID();
    for (let i = 1; i <= 6; i++) {
      await fx.entry(tenantId, randomUUID(), { action: 'caseload.read', actorId: randomUUID() });
      await fx.records(tenantId, i);
    }
    const rows = await fx.records(tenantId, 6);
    // "Now" is five years after record 4 was recorded: records 1 to 3 are past their retention.
    const now = new Date((rows[3].recorded_at as Date).getTime());
    now.setUTCFullYear(now.getUTCFullYear() + 5);
    const results = await fx.service.app.get(SweepService).sweep(now);
    expect(results.filter((r) => r.tenantId === tenantId)).toEqual([
      { tenantId, removedThrough: 3, removed: 3 },
    ]);

    const left = await fx.db.query<{ position: string }>(
      `SELECT position FROM ${fx.schema}.audit_record WHERE tenant_id = $1 ORDER BY position`,
      [tenantId],
    );
    expect(left.map((r) => Number(r.position))).toEqual([4, 5, 6]);
    const [sweep] = await fx.db.query(
      `SELECT position, removed_through FROM ${fx.schema}.audit_checkpoint WHERE tenant_id = $1 AND kind = 'sweep'`,
      [tenantId],
    );
    expect(sweep).toEqual({ position: '3', removed_through: '3' });
    expect(await fx.verify(tenantId)).toMatchObject({ ok: true, records: 3, from: 4, through: 6 });

    // A record taken out after the sweep is still caught; the runtime role cannot do what the sweep does.
    const runtime = new Client({ connectionString: fx.service.env.DATABASE_URL });
    await runtime.connect();
    await expect(runtime.query(`DELETE FROM audit_record WHERE tenant_id = $1`, [tenantId])).rejects.toThrow(
      /permission denied/,
    );
    await runtime.end();
    await fx.db.query(
      `SET session_replication_role = replica; DELETE FROM ${fx.schema}.audit_record WHERE tenant_id = '${tenantId}' AND position = 4; RESET session_replication_role`,
    );
    expect(await fx.verify(tenantId)).toMatchObject({ ok: false, problem: { kind: 'removed', position: 4 } });
  });

  it('an organisation keeps its log longer when its org admin says so (at least 5 years); set through the API, audited', async () => {
    const tenantId = randomUUID();
    const [admin, pro] = await fx.announce(tenantId, [
      { role: 'org_admin', name: 'Ada Admin' },
      { role: 'professional', name: 'Petra Pro' },
    ]);
    await fx.as(admin).get('/audit/settings/retention').expect(200, { years: 5, default: true });
    const bad = await fx.as(admin).put('/audit/settings/retention', { years: 3 }).expect(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'years' })]);
    await fx.as(pro).put('/audit/settings/retention', { years: 10 }).expect(403);
    await fx
      .as(admin)
      .put('/audit/settings/retention', { years: 7 })
      .expect(200, { years: 7, default: false });
    // The change is itself in the log (and the first record of this organisation).
    const [change] = await fx.records(tenantId, 1);
    expect(change).toMatchObject({ action: 'audit.retention.change', actor_role: 'org_admin' });

    // Six years on, the 5-year default would remove it; this organisation keeps it for 7.
    const sixYears = new Date((change.recorded_at as Date).getTime() + 1000);
    sixYears.setUTCFullYear(sixYears.getUTCFullYear() + 6);
    const sweep = fx.service.app.get(SweepService);
    expect((await sweep.sweep(sixYears)).filter((r) => r.tenantId === tenantId)).toEqual([]);
    const eightYears = new Date(sixYears);
    eightYears.setUTCFullYear(eightYears.getUTCFullYear() + 2);
    expect((await sweep.sweep(eightYears)).filter((r) => r.tenantId === tenantId)).toEqual([
      { tenantId, removedThrough: 1, removed: 1 },
    ]);
  });
});
