import { randomUUID } from 'node:crypto';
import {
  auditEntryRecordedV1,
  caseloadAssignmentGrantedV1,
  caseloadAssignmentRevokedV1,
} from '@therapy-room/contracts';
import { expectEventually } from '@therapy-room/testing';
import { startCaseload, type CaseloadFixture, type Person } from '../support/caseload-fixture';

const hour = 60 * 60 * 1000;

/**
 * A professional taken off a client's caseload must not be able to give themselves access back:
 * not by taking the client again, not through a colleague they had linked, not through links they
 * granted before the removal (in caseload, nor in the read models of content and messaging, which
 * follow the revocation events). Taking a client nobody has is an organisation's choice (default
 * off), set by its administrators and audited.
 */
describe('a removed professional tries every route back in (real PostgreSQL and Kafka)', () => {
  let fx: CaseloadFixture;
  const tenant = randomUUID();
  let admin: Person, removed: Person, colleague: Person, later: Person, other: Person, client: Person;

  beforeAll(async () => {
    fx = await startCaseload([
      auditEntryRecordedV1.topic,
      caseloadAssignmentGrantedV1.topic,
      caseloadAssignmentRevokedV1.topic,
    ]);
    [admin, removed, colleague, later, other, client] = await fx.people(tenant, [
      { role: 'org_admin', name: 'Ada Admin' },
      { role: 'professional', name: 'Remy Removed' },
      { role: 'professional', name: 'Cas Colleague' },
      { role: 'professional', name: 'Lou Later' },
      { role: 'professional', name: 'Otto Other' },
      { role: 'client', name: 'Chris Client' },
    ]);
  });
  afterAll(() => fx?.stop());

  const entry = (who: Person) => fx.as(who).get(`/caseload/clients/${client.id}`);
  const selfAssign = (who: Person, clientId = client.id) =>
    fx.as(who).post('/caseload/assignments', { clientId, professionalId: who.id });
  const activeAssignments = (clientId: string) =>
    fx.db.query(`SELECT professional_id FROM caseload.assignment WHERE client_id = $1 AND ended_at IS NULL`, [
      clientId,
    ]);

  it('every route back in is refused once the admin has taken the professional off', async () => {
    const assignment = await fx
      .as(admin)
      .post('/caseload/assignments', { clientId: client.id, professionalId: removed.id })
      .expect(201);
    // Before the removal, the professional links a colleague now and another for later.
    const now = await fx
      .as(removed)
      .post(`/caseload/clients/${client.id}/links`, { colleagueId: colleague.id })
      .expect(201);
    const future = await fx
      .as(removed)
      .post(`/caseload/clients/${client.id}/links`, {
        colleagueId: later.id,
        validFrom: new Date(Date.now() + hour).toISOString(),
        validUntil: new Date(Date.now() + 2 * hour).toISOString(),
      })
      .expect(201);
    await entry(colleague).expect(200);

    await fx.as(admin).delete(`/caseload/assignments/${assignment.body.id}`).expect(204);

    // 1. Taking the client back: nobody has them now, but the organisation does not allow it (default).
    await selfAssign(removed).expect(404);
    expect(await activeAssignments(client.id)).toEqual([]);
    // 2. The links they granted ended with their assignment: the colleague is out too …
    await entry(colleague).expect(404);
    const open = await fx.as(admin).get(`/caseload/clients/${client.id}`).expect(200);
    expect(open.body.links).toEqual([]);
    expect(open.body.professionals).toEqual([]);
    // … so the colleague cannot link them back, nor take the client themselves.
    await fx
      .as(colleague)
      .post(`/caseload/clients/${client.id}/links`, { colleagueId: removed.id })
      .expect(404);
    await selfAssign(colleague).expect(404);
    // 3. The removed professional themself: no entry, no links, no list.
    await entry(removed).expect(404);
    await fx.as(removed).post(`/caseload/clients/${client.id}/links`, { colleagueId: other.id }).expect(404);
    const list = await fx.as(removed).get('/caseload/clients').expect(200);
    expect(list.body.items).toEqual([]);
    // 4. The read models of content and messaging hear of every grant's end: the assignment and both links.
    await expectEventually(() => {
      const revoked = fx
        .events(caseloadAssignmentRevokedV1.topic)
        .filter((e) => e.subjectId === client.id)
        .map((e) => [e.payload.kind, e.payload.grantId, e.payload.reason]);
      expect(revoked).toEqual(
        expect.arrayContaining([
          ['assignment', assignment.body.id, 'removed'],
          ['link', now.body.id, 'removed'],
          ['link', future.body.id, 'removed'],
        ]),
      );
    });
    // The refusal of the self-assignment is in the client's record.
    await expectEventually(() => {
      const refusals = fx
        .events(auditEntryRecordedV1.topic)
        .filter(
          (e) =>
            e.subjectId === client.id &&
            e.payload.action === 'caseload.assign' &&
            e.payload.outcome === 'failure' &&
            e.payload.actorId === removed.id,
        );
      expect(refusals).toHaveLength(1);
    });
  });

  it('moving a client ends the links the previous professional granted, not the admin’s', async () => {
    const [moved] = await fx.people(tenant, [{ role: 'client', name: 'Mo Moved' }]);
    await fx
      .as(admin)
      .post('/caseload/assignments', { clientId: moved.id, professionalId: removed.id })
      .expect(201);
    const theirs = await fx
      .as(removed)
      .post(`/caseload/clients/${moved.id}/links`, { colleagueId: colleague.id })
      .expect(201);
    const admins = await fx
      .as(admin)
      .post(`/caseload/clients/${moved.id}/links`, { colleagueId: later.id })
      .expect(201);
    await fx
      .as(admin)
      .post(`/caseload/clients/${moved.id}/move`, {
        fromProfessionalId: removed.id,
        toProfessionalId: other.id,
      })
      .expect(200);
    const after = await fx.as(admin).get(`/caseload/clients/${moved.id}`).expect(200);
    expect((after.body.links as { id: string }[]).map((l) => l.id)).toEqual([admins.body.id]);
    expect((after.body.links as { id: string }[]).some((l) => l.id === theirs.body.id)).toBe(false);
    await fx.as(colleague).get(`/caseload/clients/${moved.id}`).expect(404);
  });

  describe('the organisation’s setting: professionals taking a client nobody has', () => {
    it('is off by default; only org admins change it (audited), with field errors for bad input', async () => {
      const settingsTenant = randomUUID();
      const [boss, pro] = await fx.people(settingsTenant, [
        { role: 'org_admin', name: 'Bea Boss' },
        { role: 'professional', name: 'Pim Pro' },
      ]);
      expect((await fx.as(boss).get('/caseload/settings').expect(200)).body).toEqual({
        professionalsMayTakeUnassignedClients: false,
      });
      await fx.as(pro).put('/caseload/settings', { professionalsMayTakeUnassignedClients: true }).expect(403);
      const bad = await fx
        .as(boss)
        .put('/caseload/settings', { professionalsMayTakeUnassignedClients: 'yes' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([
        expect.objectContaining({ path: 'professionalsMayTakeUnassignedClients' }),
      ]);
      const unknown = await fx.as(boss).put('/caseload/settings', { selfAssign: true }).expect(400);
      expect(unknown.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: 'selfAssign' })]),
      );
      const set = await fx
        .as(boss)
        .put('/caseload/settings', { professionalsMayTakeUnassignedClients: true })
        .expect(200);
      expect(set.body).toEqual({ professionalsMayTakeUnassignedClients: true });
      expect((await fx.as(pro).get('/caseload/settings').expect(200)).body).toEqual(set.body);
      // Another organisation keeps its own (default) rules.
      expect((await fx.as(admin).get('/caseload/settings').expect(200)).body).toEqual({
        professionalsMayTakeUnassignedClients: false,
      });
      await expectEventually(() => {
        const changes = fx
          .events(auditEntryRecordedV1.topic)
          .filter((e) => e.payload.action === 'caseload.settings_change' && e.tenantId === settingsTenant);
        expect(changes).toEqual([
          expect.objectContaining({
            payload: expect.objectContaining({
              outcome: 'success',
              actorId: boss.id,
              actorRole: 'org_admin',
            }),
          }),
        ]);
      });
    });

    it('where allowed, a professional takes a client nobody has (audited as a self-assignment), never one in a colleague’s caseload', async () => {
      const openTenant = randomUUID();
      const [boss, taker, holder, free, held] = await fx.people(openTenant, [
        { role: 'org_admin', name: 'Bo Boss' },
        { role: 'professional', name: 'Tia Taker' },
        { role: 'professional', name: 'Hal Holder' },
        { role: 'client', name: 'Fay Free' },
        { role: 'client', name: 'Hugo Held' },
      ]);
      await fx
        .as(boss)
        .put('/caseload/settings', { professionalsMayTakeUnassignedClients: true })
        .expect(200);
      await fx
        .as(boss)
        .post('/caseload/assignments', { clientId: held.id, professionalId: holder.id })
        .expect(201);
      await selfAssign(taker, held.id).expect(404);
      const taken = await selfAssign(taker, free.id).expect(201);
      expect(await activeAssignments(free.id)).toEqual([{ professional_id: taker.id }]);
      await expectEventually(() => {
        const audited = fx
          .events(auditEntryRecordedV1.topic)
          .filter((e) => e.subjectId === free.id && e.payload.action === 'caseload.self_assign');
        expect(audited).toEqual([
          expect.objectContaining({
            payload: expect.objectContaining({
              outcome: 'success',
              actorId: taker.id,
              resource: 'caseload.assignment',
              resourceId: taken.body.id,
            }),
          }),
        ]);
      });
    });
  });
});
