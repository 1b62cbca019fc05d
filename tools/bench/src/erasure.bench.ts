/**
 * Erasure benchmark (a tool, never a test: CI does not run it).
 *
 *   npm run bench:erasure -- --clients 3
 *
 * Starts its own PostgreSQL (embedded, durable) and Kafka broker (or uses DATABASE_ADMIN_URL /
 * KAFKA_BROKERS), then identity, caseload, content, messaging and audit as real processes, exactly as
 * `npm start` runs them. Gives each of N heavy clients 10,000 messages, 10,000 diary entries and 500
 * scored questionnaire responses (sealed-size values, written in bulk with SQL: the benchmark measures
 * the erasure, not the writes), known to every service (people directories, caseload grant, audit),
 * with data keys in the key database. Then, one client at a time, publishes
 * `retention.erasure.requested.v1` as retention does and measures the time until every participant's
 * `*.erasure.completed.v1` has arrived, with the counts they report. Target: under 10 s per client.
 * Prints a markdown report (machine, load, figures) and writes it to tools/bench/results/.
 */
import 'reflect-metadata';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { Client } from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import {
  auditErasureCompletedV1,
  caseloadAssignmentGrantedV1,
  caseloadErasureCompletedV1,
  contentErasureCompletedV1,
  identityErasureCompletedV1,
  identityUserProfileChangedV1,
  identityUserRegisteredV1,
  messagingErasureCompletedV1,
  retentionErasureRequestedV1,
  type EventContract,
  type PayloadOf,
} from '@therapy-room/contracts';
import { generateSigningKey } from '@therapy-room/auth';
import { freePort } from '@therapy-room/local-postgres';
import { runContentCli, runIdentityCli, startServiceProcess } from '@therapy-room/tools-dev';
import { benchCli } from './common/cli';
import { runBenchmark, writeReport } from './common/report';
import { installLifecycle, onCleanup, progress } from './common/lifecycle';
import { startBenchKafka, startBenchPostgres } from './common/infrastructure';

const USAGE = `Usage: npm run bench:erasure -- [options]

  --clients N       heavy clients erased one after the other (default 3)
  --messages N      messages per client (default 10000)
  --entries N       diary entries per client (default 10000)
  --responses N     questionnaire responses per client (default 500)
  --max-minutes M   abort (and clean up) after M minutes (default 10)
  --verbose         service logs on stderr
`;
const cli = benchCli(USAGE, {
  numbers: ['clients', 'messages', 'entries', 'responses', 'max-minutes'],
  flags: ['verbose'],
});
const opts = {
  clients: cli.int('clients', 3, 1, 1000),
  messages: cli.int('messages', 10_000, 1, 10_000_000),
  entries: cli.int('entries', 10_000, 1, 10_000_000),
  responses: cli.int('responses', 500, 1, 1_000_000),
  maxMinutes: cli.int('max-minutes', 10, 1, 120),
  verbose: cli.flag('verbose'),
};
const TARGET_MS = 10_000;
installLifecycle(opts.maxMinutes);

const PARTICIPANTS = [
  identityErasureCompletedV1,
  caseloadErasureCompletedV1,
  contentErasureCompletedV1,
  messagingErasureCompletedV1,
  auditErasureCompletedV1,
];

/** Random bytes of a sealed value's size (version, IV, tag and a body), as SQL. */
const sealedSql = (bodyBytes: number) =>
  `decode('01' || ${Array.from({ length: Math.ceil((28 + bodyBytes) / 16) }, () => 'md5(random()::text)').join(' || ')}, 'hex')`;

async function main() {
  const startedAt = new Date();
  const [postgres, kafkaInfo] = await Promise.all([
    startBenchPostgres({ verbose: opts.verbose }),
    startBenchKafka({ verbose: opts.verbose }),
  ]);
  const { pg, database } = postgres;
  const { brokers } = kafkaInfo;
  const suffix = database.slice('bench_'.length);
  const admin = new Client({ connectionString: pg.adminUrl(database) });
  await admin.connect();
  onCleanup('admin connection', () => admin.end());
  const keysAdmin = new Client({ connectionString: pg.adminUrl(`${database}_keys`) });
  await keysAdmin.connect();
  onCleanup('key database connection', () => keysAdmin.end());

  // ---- services, as npm start runs them
  const prefix = `bench-${suffix}.`;
  const signingKey = generateSigningKey(`bench-${suffix}`);
  const masterKeys = {
    DATA_MASTER_KEYS: JSON.stringify({ bench: randomBytes(32).toString('base64') }),
    DATA_MASTER_KEY_ID: 'bench',
  };
  const common = {
    REGION: 'eea',
    HOST: '127.0.0.1',
    LOG_LEVEL: opts.verbose ? 'info' : 'warn',
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    INTERNAL_TOKEN_PUBLIC_KEYS: JSON.stringify({ [signingKey.kid]: signingKey.publicKeyPem }),
  };
  const envOf = async (name: string, extra: Record<string, string> = {}) => {
    const { DATABASE_URL, DATABASE_SCHEMA, DATABASE_OWNER_URL } = await postgres.provision(name, {
      separateOwner: name === 'audit',
    });
    return {
      ...common,
      SERVICE_NAME: name,
      PORT: String(await freePort()),
      DATABASE_URL,
      DATABASE_SCHEMA,
      ...(DATABASE_OWNER_URL ? { DATABASE_OWNER_URL } : {}),
      ...extra,
    };
  };
  const envs = {
    identity: await envOf('identity', { TOTP_ENCRYPTION_KEY: randomBytes(32).toString('base64') }),
    caseload: await envOf('caseload'),
    content: await envOf('content', { ...masterKeys, ...(await postgres.provisionKeys('content')) }),
    messaging: await envOf('messaging', { ...masterKeys, ...(await postgres.provisionKeys('messaging')) }),
    audit: await envOf('audit', {
      AUDIT_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
      AUDIT_SIGNING_KEYS: JSON.stringify({
        bench: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      }),
      AUDIT_SIGNING_KEY_ID: 'bench',
    }),
  };
  progress('starting identity, caseload, content, messaging and audit');
  for (const [name, env] of Object.entries(envs)) {
    const service = await startServiceProcess(name, env, {
      onLine: opts.verbose ? (l) => progress(`${name}: ${l}`) : undefined,
    });
    onCleanup(name, () => service.stop());
  }
  const library = await runContentCli(['seed-library'], { ...envs.content, LOG_LEVEL: 'error' });
  if (library.code !== 0) throw new Error(`seeding the library failed: ${library.stderr}`);
  const created = await runIdentityCli(
    [
      'create-tenant',
      '--slug',
      `bench-${suffix}`,
      '--name',
      'Bench',
      '--region',
      'eea',
      '--seats',
      '5',
      '--admin-email',
      `admin@bench-${suffix}.example`,
      '--admin-name',
      'Admin',
    ],
    { ...envs.identity, LOG_LEVEL: 'error', TENANT_ADMIN_PASSWORD: 'Correct-Horse-Battery-9!' },
  );
  if (created.code !== 0) throw new Error(`create-tenant failed: ${created.stderr}`);
  const tenantId = (JSON.parse(created.stdout) as { tenantId: string }).tenantId;

  const kafka = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  onCleanup('Kafka producer', () => producer.disconnect());
  const publish = async <C extends EventContract>(contract: C, payload: PayloadOf<C>, subjectId: string) => {
    const message = contract.message.parse({
      id: uuidv7(),
      type: contract.topic,
      occurredAt: new Date().toISOString(),
      tenantId,
      region: 'eea',
      subjectId,
      traceparent: null,
      payload,
    });
    await producer.send({
      topic: `${prefix}${contract.topic}`,
      acks: -1,
      messages: [{ key: subjectId, value: JSON.stringify(message) }],
    });
  };
  const confirmations = new Map<string, Map<string, { at: number; counts: Record<string, number> }>>();
  const consumer = kafka.consumer({ groupId: `bench-${suffix}-confirmations`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  onCleanup('Kafka consumer', () => consumer.disconnect());
  await consumer.subscribe({ topics: PARTICIPANTS.map((c) => `${prefix}${c.topic}`), fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const event = JSON.parse(message.value!.toString()) as {
        payload: { requestId: string; counts?: Record<string, number> };
      };
      const byService = confirmations.get(event.payload.requestId) ?? new Map();
      byService.set(topic.slice(prefix.length).split('.')[0], {
        at: performance.now(),
        counts: event.payload.counts ?? {},
      });
      confirmations.set(event.payload.requestId, byService);
    },
  });

  // ---- the heavy clients
  const pro = randomUUID();
  const hash =
    '$argon2id$v=19$m=65536,t=3,p=4$YmVuY2hiZW5jaGJlbmNo$1e5fS3QeA1Y2qNDHL5xOqWzGvyV1VB0xR9gM8S3XkIo';
  const [diaryTool] = (
    await admin.query<{ id: string; revision_id: string }>(
      `SELECT t.id, r.id AS revision_id FROM content.tool t JOIN content.tool_revision r ON r.tool_id = t.id WHERE t.key = 'blood-glucose-diary' ORDER BY r.revision DESC LIMIT 1`,
    )
  ).rows;
  const [phqTool] = (
    await admin.query<{ id: string; revision_id: string }>(
      `SELECT t.id, r.id AS revision_id FROM content.tool t JOIN content.tool_revision r ON r.tool_id = t.id WHERE t.key = 'phq-9' ORDER BY r.revision DESC LIMIT 1`,
    )
  ).rows;
  const clients = Array.from({ length: opts.clients }, () => randomUUID());
  await admin.query(
    `INSERT INTO identity.user_account (id, tenant_id, email, display_name, role, status, password_hash)
     VALUES ($1, $2, 'pro@bench.example', 'Bench professional', 'professional', 'active', $3)`,
    [pro, tenantId, hash],
  );
  await publish(identityUserRegisteredV1, { userId: pro, role: 'professional' }, pro);
  for (const [i, client] of clients.entries()) {
    progress(
      `client ${i + 1}/${clients.length}: ${opts.messages} messages, ${opts.entries} diary entries, ${opts.responses} responses`,
    );
    await admin.query(
      `INSERT INTO identity.user_account (id, tenant_id, email, display_name, role, status, password_hash)
       VALUES ($1, $2, $3, 'Bench client', 'client', 'active', $4)`,
      [client, tenantId, `client-${i}@bench.example`, hash],
    );
    await publish(identityUserRegisteredV1, { userId: client, role: 'client' }, client);
    await publish(identityUserProfileChangedV1, { userId: client, displayName: `Bench client ${i}` }, client);
    await publish(
      caseloadAssignmentGrantedV1,
      {
        grantId: randomUUID(),
        kind: 'assignment',
        professionalId: pro,
        clientId: client,
        validFrom: null,
        validUntil: null,
      },
      client,
    );
    const [diary, questionnaire, conversation] = [randomUUID(), randomUUID(), randomUUID()];
    await admin.query(
      `INSERT INTO content.assignment (id, tenant_id, client_id, professional_id, tool_id, revision_id, kind)
       VALUES ($1, $3, $4, $5, $6, $7, 'diary'), ($2, $3, $4, $5, $8, $9, 'questionnaire')`,
      [
        diary,
        questionnaire,
        tenantId,
        client,
        pro,
        diaryTool.id,
        diaryTool.revision_id,
        phqTool.id,
        phqTool.revision_id,
      ],
    );
    await admin.query(
      `INSERT INTO content.diary_entry (id, tenant_id, client_id, assignment_id, recorded_at, sealed_text)
       SELECT gen_random_uuid(), $1, $2, $3, now() - make_interval(mins => g), ${sealedSql(90)}
         FROM generate_series(1, $4) g`,
      [tenantId, client, diary, opts.entries],
    );
    await admin.query(
      `INSERT INTO content.questionnaire_response (id, tenant_id, client_id, assignment_id, revision_id, sealed_score, submitted_at)
       SELECT gen_random_uuid(), $1, $2, $3, $4, ${sealedSql(200)}, now() - make_interval(days => g)
         FROM generate_series(1, $5) g`,
      [tenantId, client, questionnaire, phqTool.revision_id, opts.responses],
    );
    await admin.query(
      `INSERT INTO content.flag (id, tenant_id, client_id, assignment_id, response_id, sealed_code)
       SELECT gen_random_uuid(), tenant_id, client_id, assignment_id, id, ${sealedSql(12)}
         FROM content.questionnaire_response WHERE client_id = $1 LIMIT 50`,
      [client],
    );
    await admin.query(
      `INSERT INTO messaging.conversation (id, tenant_id, client_id, professional_id, started_by, last_message_at)
       VALUES ($1, $2, $3, $4, $4, now())`,
      [conversation, tenantId, client, pro],
    );
    await admin.query(
      `INSERT INTO messaging.message (id, conversation_id, tenant_id, sender_id, client_message_id, body_sealed, sent_at)
       SELECT gen_random_uuid(), $1, $2, CASE WHEN g % 2 = 0 THEN $3::uuid ELSE $4::uuid END, gen_random_uuid(),
              ${sealedSql(160)}, now() - make_interval(secs => g)
         FROM generate_series(1, $5) g`,
      [conversation, tenantId, client, pro, opts.messages],
    );
    await admin.query(
      `INSERT INTO messaging.participant (conversation_id, user_id, last_read_seq) VALUES ($1, $2, 0), ($1, $3, 0)`,
      [conversation, client, pro],
    );
    for (const schema of ['content', 'messaging']) {
      await keysAdmin.query(
        `INSERT INTO ${schema}.subject_data_key (subject_id, tenant_id, master_key_id, wrapped_key)
         VALUES ($1, $2, 'bench', $3)`,
        [client, tenantId, randomBytes(61)],
      );
    }
  }
  await admin.query(`ANALYZE`);
  // Every service has the clients in its directory before the erasures start.
  const known = async () =>
    Number(
      (
        await admin.query<{ n: string }>(
          `SELECT (SELECT count(*) FROM caseload.person WHERE id = ANY($1)) + (SELECT count(*) FROM messaging.person WHERE id = ANY($1))
                + (SELECT count(*) FROM audit.person WHERE id = ANY($1)) AS n`,
          [clients],
        )
      ).rows[0].n,
    );
  for (let i = 0; (await known()) < clients.length * 3; i++) {
    if (i > 600) throw new Error('the services did not learn of the clients in 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }

  // ---- the erasures, one client at a time
  const runs: {
    ms: number;
    perService: Record<string, number>;
    counts: Record<string, Record<string, number>>;
  }[] = [];
  const loadBefore = os.loadavg();
  for (const [i, client] of clients.entries()) {
    const requestId = randomUUID();
    const t0 = performance.now();
    await publish(retentionErasureRequestedV1, { requestId, reason: 'client_request' }, client);
    for (;;) {
      const got = confirmations.get(requestId);
      if (got && got.size === PARTICIPANTS.length) break;
      if (performance.now() - t0 > 120_000)
        throw new Error(`erasure ${i + 1} not confirmed by every participant in 120 s`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const got = confirmations.get(requestId)!;
    const perService = Object.fromEntries([...got].map(([s, c]) => [s, Math.round(c.at - t0)]));
    const ms = Math.max(...Object.values(perService));
    runs.push({ ms, perService, counts: Object.fromEntries([...got].map(([s, c]) => [s, c.counts])) });
    progress(`client ${i + 1}: erased across every service in ${ms} ms (${JSON.stringify(perService)})`);
    const left = await admin.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM content.diary_entry WHERE client_id = $1) + (SELECT count(*) FROM messaging.message m
               JOIN messaging.conversation c ON c.id = m.conversation_id WHERE c.client_id = $1)
             + (SELECT count(*) FROM identity.user_account WHERE id = $1) AS n`,
      [client],
    );
    if (Number(left.rows[0].n) !== 0) throw new Error(`client ${i + 1}: rows left after the erasure`);
  }
  const loadAfter = os.loadavg();

  // ---- report
  const sorted = runs.map((r) => r.ms).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const cpus = os.cpus();
  const report = [
    `# Erasure benchmark, ${startedAt.toISOString()}`,
    '',
    `Machine: ${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}; Node ${process.version}`,
    `Load average (1/5/15 min) before: ${loadBefore.map((l) => l.toFixed(2)).join(' / ')}; after: ${loadAfter.map((l) => l.toFixed(2)).join(' / ')}`,
    `PostgreSQL ${pg.external ? 'external' : 'embedded (durable: fsync, synchronous_commit on)'}; Kafka ${kafkaInfo.version}`,
    '',
    `Each client: ${opts.messages} messages, ${opts.entries} diary entries, ${opts.responses} questionnaire responses (50 flags), data keys in the key database, known to every service.`,
    `Measured: from publishing \`retention.erasure.requested.v1\` to the last of the ${PARTICIPANTS.length} \`*.erasure.completed.v1\` arriving. Target < ${TARGET_MS / 1000} s.`,
    '',
    '| client | total ms | ' + PARTICIPANTS.map((c) => c.topic.split('.')[0]).join(' ms | ') + ' ms |',
    '| --- | --- | ' + PARTICIPANTS.map(() => '---').join(' | ') + ' |',
    ...runs.map(
      (r, i) =>
        `| ${i + 1} | ${r.ms} | ` +
        PARTICIPANTS.map((c) => r.perService[c.topic.split('.')[0]]).join(' | ') +
        ' |',
    ),
    '',
    `Median ${median} ms, worst ${sorted[sorted.length - 1]} ms: ${sorted[sorted.length - 1] < TARGET_MS ? 'within' : 'OVER'} the ${TARGET_MS / 1000} s target.`,
    '',
    `Counts reported by the participants (first client): \`${JSON.stringify(runs[0].counts)}\``,
    '',
  ].join('\n');
  writeReport('erasure', startedAt, report);
}

runBenchmark(main);
