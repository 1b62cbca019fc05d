import request from 'supertest';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import {
  auditErasureCompletedV1,
  caseloadErasureCompletedV1,
  contentErasureCompletedV1,
  contentExportCompletedV1,
  contentQuestionnaireScoredV2,
  identityErasureCompletedV1,
  identityUserProfileChangedV1,
  identityUserRegisteredV1,
  messagingErasureCompletedV1,
  messagingExportCompletedV1,
  retentionErasureRequestedV1,
  retentionExportRequestedV1,
} from '@therapy-room/contracts';
import {
  collectTopics,
  expectEventually,
  publishEvent,
  publishRaw,
  startStack,
  testAdminUrl,
  testKafka,
  uniqueName,
  type TestStack,
  type TestTenant,
} from '@therapy-room/testing';

const SCHEMAS = ['identity', 'caseload', 'content', 'messaging', 'audit'];
const SERVICES = ['identity', 'gateway', 'caseload', 'content', 'messaging', 'audit'] as const;

/** A place searched, and the records in it: one text per row, message or log line. */
interface Place {
  where: string;
  records: { source: string; text: string }[];
}

/**
 * The completeness test of erasure, with real processes: a client with messages, diary entries with
 * values and free text, questionnaire answers (a flag raised), module answers, a shared report and an
 * export. A copy of every row of every service schema is taken before the erasure (the backup); the
 * erasure is requested as retention requests it; then every table of every schema, every Kafka topic
 * (dead letters included), every service's log and the backup restored into a scratch database, with
 * the key database as it is after the erasure, are searched for the client's id, e-mail, name, each
 * message, each free text and each value.
 *
 * What may remain, by design, and is checked to be nothing more: the bare id as a tombstone
 * (`erased_subject`) and in event envelopes (ids, never values). Known gaps are asserted to be exactly
 * where they are, so that any other trace fails the test; they are printed as such.
 */
describe('erasure reaches everything: tables, Kafka, logs and an earlier backup (real processes)', () => {
  let stack: TestStack;
  let org: TestTenant;
  let exportRoot: string;
  const api = () => request(stack.gatewayUrl);
  const tag = randomBytes(4).toString('hex');
  const NAME = `Ysolde Vermeulen-${tag}`;
  const MESSAGES = [
    `Sinds de verhuizing slaap ik slecht ${tag}`,
    `Ik durf het niet tegen mijn zus te zeggen ${tag}`,
    `Dank je, tot dinsdag ${tag}`,
  ];
  const NOTE = `Hypo na het sporten in de kelder ${tag}`;
  const ANSWER = `Niemand zou me missen op het werk ${tag}`;
  const GLUCOSE = [23.7, 26.3];
  const client = { id: '', email: '', cookie: '' };
  const pro = { id: '', cookie: '' };

  beforeAll(async () => {
    exportRoot = mkdtempSync(join(tmpdir(), 'completeness-exports-'));
    stack = await startStack(
      { EXPORT_ROOT: exportRoot, LOG_LEVEL: 'info' },
      { caseload: true, content: true, messaging: true, audit: true },
    );
    expect((await stack.seedContent()).code).toBe(0);
    org = await stack.createTenant();
    const admin = (await stack.loginAs(org)).cookie;
    const proAccount = await stack.addActiveUser(org, 'professional');
    const clientAccount = await stack.addActiveUser(org, 'client');
    await stack.db.query(`UPDATE identity.user_account SET display_name = $2 WHERE id = $1`, [
      clientAccount.id,
      NAME,
    ]);
    // Their registration and name, as identity publishes them.
    for (const [id, role, displayName] of [
      [proAccount.id, 'professional', 'Petra Pro'],
      [clientAccount.id, 'client', NAME],
    ] as const) {
      await publishEvent(
        stack.prefix,
        identityUserRegisteredV1,
        { userId: id, role },
        {
          tenantId: org.tenantId,
          subjectId: id,
        },
      );
      await publishEvent(
        stack.prefix,
        identityUserProfileChangedV1,
        { userId: id, displayName },
        {
          tenantId: org.tenantId,
          subjectId: id,
        },
      );
    }
    Object.assign(pro, { id: proAccount.id, cookie: (await stack.loginAs(proAccount)).cookie });
    Object.assign(client, {
      id: clientAccount.id,
      email: clientAccount.email,
      cookie: (await stack.loginAs(clientAccount)).cookie,
    });
    await expectEventually(async () => {
      const res = await api()
        .post('/api/caseload/assignments')
        .set('cookie', admin)
        .send({ clientId: client.id, professionalId: pro.id });
      expect(res.status).toBe(201);
    });
  }, 300_000); // six services and the seeding, as real processes: generous for a loaded CI machine
  afterAll(async () => {
    await stack?.stop();
    rmSync(exportRoot, { recursive: true, force: true });
  });

  /** The content library's tool id by key (the library is seeded, not personal). */
  const toolId = async (key: string): Promise<string> => {
    const [row] = await stack.db.query<{ id: string }>(`SELECT id FROM content.tool WHERE key = $1`, [key]);
    return row.id;
  };
  const assign = (key: string) =>
    expectEventually(async () => {
      const res = await api()
        .post('/api/content/assignments')
        .set('cookie', pro.cookie)
        .send({ clientId: client.id, toolId: await toolId(key) });
      expect(res.status).toBe(201);
      return res.body.id as string;
    });

  it('leaves no recoverable trace of the client anywhere', async () => {
    // ---- the client's record, through the gateway
    const diary = await assign('blood-glucose-diary');
    const phq9 = await assign('phq-9');
    const module = await assign('cbt-low-mood');
    for (const [i, glucose] of GLUCOSE.entries()) {
      await api()
        .post(`/api/content/assignments/${diary}/diary-entries`)
        .set('cookie', client.cookie)
        .send({
          values: { glucose, moment: 'after_meal', time: '13:30', ...(i === 0 ? { note: NOTE } : {}) },
          recordedAt: `2026-11-0${i + 1}T13:30:00Z`,
        })
        .expect(201);
    }
    const answers: Record<string, number> = { 'phq9-9': 2 };
    for (let i = 1; i <= 8; i++) answers[`phq9-${i}`] = 3; // total 26: severe, self-harm flag
    await api()
      .post(`/api/content/assignments/${phq9}/responses`)
      .set('cookie', client.cookie)
      .send({ answers })
      .expect(201);
    await api()
      .put(`/api/content/assignments/${module}/pages/session-1/the-circle`)
      .set('cookie', client.cookie)
      .send({ answers: { 'mood-now': 2, 'my-circle': ANSWER } })
      .expect(200);
    await api()
      .post(`/api/content/clients/${client.id}/report-shares`)
      .set('cookie', client.cookie)
      .send({ days: 3 })
      .expect(201);
    const conversation = await expectEventually(async () => {
      const res = await api()
        .post('/api/messaging/conversations')
        .set('cookie', pro.cookie)
        .send({ clientId: client.id })
        .expect(201);
      return res.body.id as string;
    });
    for (const [i, body] of MESSAGES.entries()) {
      await api()
        .post(`/api/messaging/conversations/${conversation}/messages`)
        .set('cookie', i === 2 ? pro.cookie : client.cookie)
        .send({ id: randomUUID(), body })
        .expect(201);
    }
    // The professional reads the record (audited), as care goes on.
    await api().get(`/api/content/assignments/${phq9}`).set('cookie', pro.cookie).expect(200);
    await api().get(`/api/content/clients/${client.id}/report`).set('cookie', pro.cookie).expect(200);

    // ---- an export, as retention requests it
    const probe = await collectTopics(
      [
        contentExportCompletedV1,
        messagingExportCompletedV1,
        identityErasureCompletedV1,
        caseloadErasureCompletedV1,
        contentErasureCompletedV1,
        messagingErasureCompletedV1,
        auditErasureCompletedV1,
      ].map((c) => `${stack.prefix}${c.topic}`),
    );
    const exportId = randomUUID();
    await publishEvent(
      stack.prefix,
      retentionExportRequestedV1,
      { requestId: exportId, location: pathToFileURL(join(exportRoot, exportId)).href },
      { tenantId: org.tenantId, subjectId: client.id },
    );
    const confirmed = (topic: string, requestId: string) =>
      probe.messages.some(
        (m) =>
          m.topic === `${stack.prefix}${topic}` &&
          (JSON.parse(m.value!.toString()) as { payload: { requestId: string } }).payload.requestId ===
            requestId,
      );
    await expectEventually(() => {
      for (const c of [contentExportCompletedV1, messagingExportCompletedV1])
        expect(confirmed(c.topic, exportId)).toBe(true);
    });
    // The export package is retention's to deliver and delete; it leaves the stores searched here.
    rmSync(join(exportRoot, exportId), { recursive: true, force: true });

    // ---- a dead letter about the client: a copy of their scored event that its consumer refuses
    const scoredTopic = `${stack.prefix}${contentQuestionnaireScoredV2.topic}`;
    const scored = await collectTopics([scoredTopic]);
    const original = await expectEventually(() => {
      const found = scored.messages.find((m) => m.key?.toString() === client.id);
      expect(found).toBeDefined();
      return found!;
    });
    await scored.stop();
    const refused = JSON.parse(original.value!.toString()) as { payload: Record<string, unknown> };
    await publishRaw(scoredTopic, [
      {
        key: client.id,
        value: JSON.stringify({ ...refused, id: uuidv7(), payload: { ...refused.payload, note: 'x' } }),
      },
    ]);
    const dlq = await collectTopics([`${scoredTopic}.dlq`]);
    await expectEventually(() => expect(dlq.messages.length).toBeGreaterThan(0));
    await dlq.stop();

    // ---- the backup: every row of every service schema, taken before the erasure
    const backup = await copyOfEveryRow(stack.db.adminUrl);
    const keysBefore = await stack.db.keysQuery<{ n: string }>(
      `SELECT count(*) AS n FROM content.subject_data_key WHERE subject_id = $1`,
      [client.id],
    );
    expect(Number(keysBefore[0].n)).toBe(1);

    // ---- the erasure, as retention requests it
    const erasureId = randomUUID();
    const requestedAt = Date.now();
    await publishEvent(
      stack.prefix,
      retentionErasureRequestedV1,
      { requestId: erasureId, reason: 'client_request' },
      { tenantId: org.tenantId, subjectId: client.id },
    );
    const participants = [
      identityErasureCompletedV1,
      caseloadErasureCompletedV1,
      contentErasureCompletedV1,
      messagingErasureCompletedV1,
      auditErasureCompletedV1,
    ];
    await expectEventually(() => {
      for (const c of participants) expect(confirmed(c.topic, erasureId)).toBe(true);
    });
    const erasureMs = Date.now() - requestedAt;
    await probe.stop();

    // ---- what to look for
    const needles: { what: string; test: (text: string) => boolean }[] = [
      { what: 'id', test: (t) => t.includes(client.id) },
      { what: 'e-mail', test: (t) => t.toLowerCase().includes(client.email.toLowerCase()) },
      { what: 'name', test: (t) => t.includes(NAME) },
      ...MESSAGES.map((m, i) => ({ what: `message ${i + 1}`, test: (t: string) => t.includes(m) })),
      { what: 'diary note', test: (t) => t.includes(NOTE) },
      { what: 'module answer', test: (t) => t.includes(ANSWER) },
      ...GLUCOSE.map((g) => ({
        what: `glucose ${g}`,
        // A value, not the seconds of a timestamp ("…:23.7…") or a longer number.
        test: (t: string) => new RegExp(`(?<![\\d:.])${String(g).replace('.', '\\.')}(?!\\d)`).test(t),
      })),
      { what: 'PHQ-9 total', test: (t) => /total"?\s*[:=]\s*"?26(?!\d)/.test(t) },
      { what: 'tag', test: (t) => t.includes(tag) },
    ];
    // The library defines every band and flag code: those are searched in the client's records only.
    const codeNeedles: { what: string; test: (text: string) => boolean }[] = [
      { what: 'band severe', test: (t) => t.includes('"severe"') || t.includes('"band":"severe') },
      { what: 'flag self_harm', test: (t) => t.includes('self_harm') },
    ];
    const library = (source: string) => /^content\.(tool|tool_revision)$/.test(source);

    // ---- the places
    const tables = await everyRow(stack.db.adminUrl, SCHEMAS);
    const keyTables = await everyRow(testAdminUrl(stack.db.keysName), ['content', 'messaging']);
    const kafka = await everyKafkaRecord(stack.prefix);
    const logs: Place = {
      where: 'service logs',
      records: SERVICES.flatMap((s) => (stack[s]?.logs ?? []).map((text) => ({ source: s, text }))),
    };
    const restored = await restoreIntoScratch(backup);

    const hits = (place: Place) => {
      const found = new Map<string, Set<string>>();
      for (const r of place.records) {
        for (const n of [...needles, ...(library(r.source) ? [] : codeNeedles)]) {
          if (n.test(r.text)) found.set(n.what, (found.get(n.what) ?? new Set()).add(r.source));
        }
      }
      return found;
    };
    const report: string[] = [
      `erasure confirmed by all ${participants.length} participants in ${erasureMs} ms`,
    ];
    const summary = (place: Place, found: Map<string, Set<string>>) => {
      const sources = new Set(place.records.map((r) => r.source));
      report.push(
        `${place.where}: ${place.records.length} records in ${sources.size} ${place.where === 'service logs' ? 'services' : 'tables/topics'}; ` +
          (found.size
            ? [...found].map(([what, where]) => `${what} in ${[...where].join(', ')}`).join('; ')
            : 'nothing found'),
      );
    };

    // Live tables: the bare id as a tombstone only, nothing else at all.
    const live = { where: 'live tables', records: [...tables.records, ...keyTables.records] };
    const liveHits = hits(live);
    summary(live, liveHits);
    expect([...liveHits.keys()]).toEqual(liveHits.size ? ['id'] : []);
    for (const source of liveHits.get('id') ?? []) expect(source).toMatch(/\.erased_subject$/);

    // Kafka, dead letters included: ids in envelopes; no text, no value, no e-mail.
    const deadLetters = kafka.records.filter((r) => r.source.endsWith('.dlq'));
    expect(deadLetters.length).toBeGreaterThan(0);
    report.push(`dead letters searched: ${deadLetters.length} (their sealed values open with no key left)`);
    const kafkaHits = hits(kafka);
    summary(kafka, kafkaHits);
    const KNOWN_KAFKA_GAP = `${stack.prefix}${identityUserProfileChangedV1.topic}`;
    for (const [what, where] of kafkaHits) {
      if (what === 'id') continue;
      // Known gap: the display name travels in clear on identity's profile topic (kept 7 days).
      // (The tag is part of the name.)
      expect({ what, where: [...where] }).toEqual({
        what: expect.stringMatching(/^(name|tag)$/),
        where: [KNOWN_KAFKA_GAP],
      });
    }
    if (kafkaHits.has('name'))
      report.push(`KNOWN GAP: the name is on ${identityUserProfileChangedV1.topic} (7-day retention)`);

    // Logs: ids at most (request paths), never a name, an address, a text or a value.
    const logHits = hits(logs);
    summary(logs, logHits);
    expect([...logHits.keys()].filter((w) => w !== 'id')).toEqual([]);

    // The backup restored beside the key database as it is now: no key of the client is left and
    // the backup holds none, so nothing sealed opens; no message, text or value is in clear.
    expect(
      await stack.db.keysQuery(
        `SELECT 1 FROM content.subject_data_key WHERE subject_id = $1
                                UNION ALL SELECT 1 FROM messaging.subject_data_key WHERE subject_id = $1`,
        [client.id],
      ),
    ).toEqual([]);
    expect(restored.records.filter((r) => r.source.endsWith('.subject_data_key'))).toEqual([]);
    const backupHits = hits(restored);
    summary(restored, backupHits);
    for (const [what, where] of backupHits) {
      if (what === 'id') continue;
      // Known gap: identity's account row and the services' people directories keep the name and
      // e-mail in clear; a backup taken before the erasure still holds them.
      expect({
        what,
        where: [...where].every((s) => /^(identity\.user_account|[a-z]+\.person)$/.test(s)),
      }).toEqual({
        what,
        where: true,
      });
      expect(['name', 'e-mail', 'tag']).toContain(what);
    }
    if (backupHits.has('name') || backupHits.has('e-mail'))
      report.push(
        'KNOWN GAP: a backup from before the erasure keeps the name and e-mail (identity account, people directories)',
      );

    console.log(`erasure completeness:\n  ${report.join('\n  ')}`);
  }, 180_000);
});

/** Every row of every table of the given schemas, as JSON text, tagged `<schema>.<table>`. */
async function everyRow(url: string, schemas: string[]): Promise<Place> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const { rows: tables } = await db.query<{ s: string; t: string }>(
      `SELECT table_schema AS s, table_name AS t FROM information_schema.tables
        WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE' ORDER BY 1, 2`,
      [schemas],
    );
    const records: Place['records'] = [];
    for (const { s, t } of tables) {
      const { rows } = await db.query<{ r: string }>(`SELECT row_to_json(x)::text AS r FROM "${s}"."${t}" x`);
      for (const { r } of rows) records.push({ source: `${s}.${t}`, text: r });
    }
    return { where: 'live tables', records };
  } finally {
    await db.end();
  }
}

/** The backup: a copy of every row of every service schema, taken at this moment. */
async function copyOfEveryRow(url: string): Promise<Place['records']> {
  return (await everyRow(url, SCHEMAS)).records;
}

/** Restores the backup's rows into a scratch database and reads them back from there. */
async function restoreIntoScratch(backup: Place['records']): Promise<Place> {
  const name = uniqueName('restore');
  const root = new Client({ connectionString: testAdminUrl() });
  await root.connect();
  await root.query(`CREATE DATABASE ${name}`);
  const scratch = new Client({ connectionString: testAdminUrl(name) });
  await scratch.connect();
  try {
    await scratch.query(`CREATE TABLE backup_row (source text NOT NULL, row jsonb NOT NULL)`);
    for (let i = 0; i < backup.length; i += 500) {
      const batch = backup.slice(i, i + 500);
      await scratch.query(`INSERT INTO backup_row SELECT * FROM unnest($1::text[], $2::jsonb[])`, [
        batch.map((r) => r.source),
        batch.map((r) => r.text),
      ]);
    }
    const { rows } = await scratch.query<{ source: string; text: string }>(
      `SELECT source, row::text AS text FROM backup_row`,
    );
    return { where: 'backup from before the erasure, restored', records: rows };
  } finally {
    await scratch.end();
    await root.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => root.end());
  }
}

/** Every record of every topic of this stack (dead letters included): key, headers and value. */
async function everyKafkaRecord(prefix: string): Promise<Place> {
  const admin = testKafka().admin();
  await admin.connect();
  let expected = 0;
  let topics: string[] = [];
  try {
    topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) expected += Number(p.high) - Number(p.low);
    }
  } finally {
    await admin.disconnect();
  }
  const all = await collectTopics(topics);
  try {
    await expectEventually(() => expect(all.messages.length).toBeGreaterThanOrEqual(expected), {
      timeoutMs: 30_000,
    });
  } finally {
    await all.stop();
  }
  return {
    where: `Kafka (${topics.length} topics, ${topics.filter((t) => t.endsWith('.dlq')).length} of them dead-letter)`,
    records: all.messages.map((m) => ({
      source: m.topic,
      text: [
        m.key?.toString() ?? '',
        ...Object.entries(m.headers ?? {}).map(([k, v]) => `${k}=${v?.toString() ?? ''}`),
        m.value?.toString() ?? '',
      ].join('\n'),
    })),
  };
}
