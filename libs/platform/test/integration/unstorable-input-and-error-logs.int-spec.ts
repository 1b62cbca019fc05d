import request from 'supertest';
import { v7 as uuidv7 } from 'uuid';
import { randomUUID } from 'node:crypto';
import { expectEventually, publishRaw } from '@therapy-room/testing';
import { startFixture, type Fixture } from './fixture/start-fixture';
import { fixtureLogLines } from './fixture/fixture.module';

const NUL_MESSAGE = 'must not contain a NUL character or an unpaired surrogate';

describe('input PostgreSQL cannot store, and database errors in logs (real PostgreSQL and Kafka)', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture({ LOG_LEVEL: 'info' });
  });
  afterAll(async () => {
    await fx?.stop();
  });
  const server = () => fx.app.getHttpServer();
  const logText = () => JSON.stringify(fixtureLogLines);

  it('answers a NUL or an unpaired surrogate in a body field, a field name, a query or a path parameter with a 400 naming it, and stores nothing', async () => {
    const cases = [
      { req: () => request(server()).post('/accounts/notes').send({ body: 'diary\u0000' }), path: 'body' },
      {
        req: () =>
          request(server())
            .post('/accounts/notes')
            .set('content-type', 'application/json')
            .send('{"body":"ok","meta":{"readings":[1,"\\ud800"]}}'),
        path: 'meta.readings.1',
      },
      {
        req: () =>
          request(server())
            .post('/accounts/notes')
            .set('content-type', 'application/json')
            .send('{"body":"ok","meta":{"a\\u0000b":1}}'),
        path: 'meta.a\\u0000b',
      },
      { req: () => request(server()).get('/accounts/notes?q=ann%00'), path: 'q' },
      { req: () => request(server()).get('/accounts/notes/abc%00'), path: '(path)' },
    ];
    for (const { req, path } of cases) {
      const res = await req();
      expect({ path, status: res.status, type: res.headers['content-type'] }).toEqual({
        path,
        status: 400,
        type: expect.stringMatching(/^application\/problem\+json/),
      });
      expect(res.body.errors).toEqual([{ path, message: expect.any(String) }]);
    }
    expect((await cases[0].req()).body.errors[0].message).toBe(NUL_MESSAGE);
    expect(await fx.db.query(`SELECT * FROM fixture.note`)).toEqual([]);
    // The same routes work with text PostgreSQL stores.
    await request(server())
      .post('/accounts/notes')
      .send({ body: 'Zoë 😀', meta: { readings: [1, 'ok'] } })
      .expect(201);
    expect((await request(server()).get('/accounts/notes').query({ q: 'Zoë 😀' }).expect(200)).body).toEqual([
      { body: 'Zoë 😀' },
    ]);
  });

  it('answers without an ETag, so no body is hashed per request (nothing is revalidated: the gateway answers no-store)', async () => {
    await request(server()).post('/accounts/notes').send({ body: 'etag probe' }).expect(201);
    const res = await request(server()).get('/accounts/notes').query({ q: 'etag probe' }).expect(200);
    expect(res.body).toEqual([{ body: 'etag probe' }]);
    expect(res.headers.etag).toBeUndefined();
  });

  it('logs a unique violation with its code and constraint, never the e-mail address or pg detail', async () => {
    const email = `ann.${randomUUID()}@example.org`;
    await request(server()).post('/accounts/contacts').send({ email }).expect(201);
    const failed = await request(server()).post('/accounts/contacts').send({ email }).expect(500);
    expect(JSON.stringify(failed.body)).not.toContain(email);
    const line = await expectEventually(() => {
      const found = fixtureLogLines.find(
        (l) => l.msg === 'request failed' && l.requestId === failed.body.requestId,
      );
      expect(found).toBeDefined();
      return found!;
    });
    expect(line.err).toMatchObject({
      code: '23505',
      constraint: 'contact_email_key',
      table: 'contact',
      message: 'database error 23505 (constraint contact_email_key)',
    });
    expect(logText()).not.toContain(email);
    expect(logText()).not.toContain('already exists');
  });

  it('logs a retried event failure by code only, never the value its query carried', async () => {
    const value = `glucose ${randomUUID()}`;
    fx.service.failingValue = { value, times: 1 };
    const event = {
      id: uuidv7(),
      type: 'identity.user.registered.v1',
      occurredAt: new Date().toISOString(),
      tenantId: randomUUID(),
      region: 'eea',
      subjectId: null,
      traceparent: null,
      payload: { userId: randomUUID(), role: 'client' },
    };
    await publishRaw(`${fx.prefix}identity.user.registered.v1`, [
      { key: event.tenantId, value: JSON.stringify(event) },
    ]);
    await expectEventually(
      async () =>
        expect(
          await fx.db.query(`SELECT 1 FROM fixture.seen_event WHERE event_id = $1`, [event.id]),
        ).toHaveLength(1),
      { timeoutMs: 60_000 },
    );
    const retried = fixtureLogLines.find(
      (l) => l.msg === 'event handling failed; it will be retried' && l.eventId === event.id,
    );
    expect(retried?.err).toMatchObject({ code: '22P02', message: 'database error 22P02' });
    // kafkajs logs the failure too (the offset is not committed, so the event comes again).
    expect(fixtureLogLines).toContainEqual(
      expect.objectContaining({
        msg: 'Error when calling eachMessage',
        err: expect.objectContaining({ code: '22P02' }),
      }),
    );
    expect(logText()).not.toContain(value);
  });
});
