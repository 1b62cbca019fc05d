/**
 * Gateway and login benchmark (a tool, never a test: CI does not run it).
 *
 *   npm run bench:gateway -- --concurrency 20 --seconds 15
 *
 * Starts its own PostgreSQL (durable) and Kafka (or uses DATABASE_ADMIN_URL / KAFKA_BROKERS), identity
 * and the gateway as real processes, a trivial upstream (one process answering every request with a
 * small JSON body, standing in for caseload) and a bare Node.js proxy (node:http + undici's fetch, the
 * one in Node) to that upstream, and measures in one run:
 *  (a) pass-through: C concurrent clients in a closed loop GET /api/caseload/clients, through the
 *      gateway with a session cookie (authenticated, internal token minted, forwarded) and through the
 *      bare proxy; requests/s, p50/p95/p99, CPU per proxied request of the proxy process;
 *  (b) login storm: C concurrent logins (POST /api/auth/login through the gateway, cycling accounts)
 *      next to C concurrent raw argon2id verifications at identity's parameters in one Node process;
 *      logins/s, identity's event-loop lag p99 during the storm (its own metric), refusals counted.
 * Prints a markdown report and writes it to tools/bench/results/. See tools/bench/README.md.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import argon2 from 'argon2';
import { Client } from 'pg';
import { generateSigningKey } from '@therapy-room/auth';
import { freePort } from '@therapy-room/local-postgres';
import { runIdentityCli, startServiceProcess } from '@therapy-room/tools-dev';
import { benchCli } from './common/cli';
import { runBenchmark, writeReport } from './common/report';
import { installLifecycle, onCleanup, progress } from './common/lifecycle';
import { startBenchKafka, startBenchPostgres } from './common/infrastructure';
import { summariseProfile } from './caseload/cpu-profile';

const USAGE = `Usage: npm run bench:gateway -- [options]

  --concurrency C   concurrent clients of each part (default 20)
  --seconds S       measured seconds of each variant (default 15)
  --warmup S        warm-up seconds before each variant (default 3)
  --accounts N      accounts the login storm cycles through (default 40)
  --max-minutes M   abort (and clean up) after M minutes (default 10)
  --profile         V8 CPU profile of the gateway over the measured pass-through, summarised
  --verbose         service logs on stderr
`;
const cli = benchCli(USAGE, {
  numbers: ['concurrency', 'seconds', 'warmup', 'accounts', 'max-minutes'],
  flags: ['verbose', 'profile'],
});
const opts = {
  concurrency: cli.int('concurrency', 20, 1, 500),
  seconds: cli.int('seconds', 15, 1, 600),
  warmup: cli.int('warmup', 3, 0, 120),
  accounts: cli.int('accounts', 40, 1, 1000),
  maxMinutes: cli.int('max-minutes', 10, 1, 120),
  verbose: cli.flag('verbose'),
  profile: cli.flag('profile'),
};
const deadline = installLifecycle(opts.maxMinutes);
deadline.unref();

// ---------------------------------------------------------------------------------------------
// Measuring

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
interface Result {
  name: string;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  ok: number;
  other: Map<number, number>;
  cpuMsPerOk?: number;
  /** The measured seconds in CLOCK_MONOTONIC microseconds (a CPU profile's clock on Linux). */
  window: { from: number; to: number };
}
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * C workers in a closed loop for warm-up + S seconds; only requests started within the measured
 * seconds count. `call` answers the status of one request.
 */
async function closedLoop(name: string, call: (i: number) => Promise<number>, pid?: number): Promise<Result> {
  const latencies: number[] = [];
  const other = new Map<number, number>();
  let measuring = false;
  let stop = false;
  let n = 0;
  let cpuBefore = NaN;
  const worker = async () => {
    while (!stop) {
      const i = n++;
      const counted = measuring;
      const t0 = performance.now();
      const status = await call(i).catch(() => 0);
      const ms = performance.now() - t0;
      if (!counted || stop) continue;
      if (status >= 200 && status < 300) latencies.push(ms);
      else other.set(status, (other.get(status) ?? 0) + 1);
    }
  };
  progress(`${name}: ${opts.warmup} s warm-up, ${opts.seconds} s measured`);
  const workers = Array.from({ length: opts.concurrency }, worker);
  await new Promise((r) => setTimeout(r, opts.warmup * 1000));
  cpuBefore = cpuSeconds(pid);
  const from = monotonicUs();
  measuring = true;
  await new Promise((r) => setTimeout(r, opts.seconds * 1000));
  measuring = false;
  const to = monotonicUs();
  const cpu = cpuSeconds(pid) - cpuBefore;
  stop = true;
  await Promise.all(workers);
  const sorted = latencies.sort((a, b) => a - b);
  return {
    name,
    perSecond: sorted.length / opts.seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    ok: sorted.length,
    other,
    cpuMsPerOk: pid ? (cpu * 1000) / Math.max(1, sorted.length) : undefined,
    window: { from, to },
  };
}

/** One keep-alive HTTP request; resolves with the status once the body is read. */
const agent = new Agent({ keepAlive: true, maxSockets: 1000 });
function httpCall(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, agent }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(options.body);
  });
}

/** A small Node program of its own (the upstream, the bare proxy), as a child process on `port`. */
async function startNodeProgram(name: string, source: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', source], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  onCleanup(name, async () => {
    child.kill('SIGTERM');
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  return child;
}

/** Answers every request with a small JSON body (a caseload page stands in for any service). */
const UPSTREAM = `
require('node:http').createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"items":[],"total":0}');
  });
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
`;
/** The bare proxy: node:http in, undici (Node's fetch) out, the body passed through as text. */
const BARE_PROXY = (upstream: string) => `
const upstream = ${JSON.stringify(upstream)};
require('node:http').createServer(async (req, res) => {
  try {
    const answer = await fetch(upstream + req.url.replace(/^\\/api\\/caseload/, '/caseload'), {
      method: req.method,
      headers: { accept: 'application/json', cookie: req.headers.cookie ?? '' },
    });
    const body = await answer.text();
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(body);
  } catch {
    res.writeHead(502).end();
  }
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
`;

/** The identity process's event-loop lag p99 since the last scrape (prom-client resets it on each). */
async function eventLoopLagP99Ms(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const line = text.split('\n').find((l) => /^(\w+_)?nodejs_eventloop_lag_p99_seconds[ {]/.test(l));
  return line ? Number(line.trim().split(/\s+/).at(-1)) * 1000 : NaN;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const startedAt = new Date();
  const [postgres, kafkaInfo] = await Promise.all([
    startBenchPostgres({ verbose: opts.verbose }),
    startBenchKafka({ verbose: opts.verbose }),
  ]);
  const { pg, database } = postgres;
  const suffix = database.slice('bench_'.length);
  const admin = new Client({ connectionString: pg.adminUrl(database) });
  await admin.connect();
  onCleanup('admin connection', () => admin.end());

  const signingKey = generateSigningKey(`bench-${suffix}`);
  const common = {
    REGION: 'eea',
    HOST: '127.0.0.1',
    LOG_LEVEL: opts.verbose ? 'info' : 'warn',
    KAFKA_BROKERS: kafkaInfo.brokers.join(','),
    KAFKA_TOPIC_PREFIX: `bench-${suffix}.`,
    INTERNAL_TOKEN_PUBLIC_KEYS: JSON.stringify({ [signingKey.kid]: signingKey.publicKeyPem }),
  };
  const start = async (name: string, env: Record<string, string>) => {
    const service = await startServiceProcess(name, env, {
      onLine: opts.verbose ? (l) => progress(`${name}: ${l}`) : undefined,
    });
    onCleanup(name, () => service.stop());
    return service;
  };
  progress('starting identity, the gateway, a trivial upstream and a bare proxy');
  const identityMetricsPort = await freePort();
  const { DATABASE_URL, DATABASE_SCHEMA } = await postgres.provision('identity');
  const identityEnv = {
    ...common,
    SERVICE_NAME: 'identity',
    PORT: String(await freePort()),
    METRICS_PORT: String(identityMetricsPort),
    DATABASE_URL,
    DATABASE_SCHEMA,
    TOTP_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };
  const identity = await start('identity', identityEnv);
  const upstreamPort = await freePort();
  await startNodeProgram('upstream', UPSTREAM, upstreamPort);
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
  const proxyPort = await freePort();
  const proxy = await startNodeProgram('bare proxy', BARE_PROXY(upstreamUrl), proxyPort);
  const NOT_STARTED = 'http://127.0.0.1:9';
  const profileFile = path.join(
    __dirname,
    '..',
    'results',
    `gateway-${startedAt.toISOString().replace(/[:.]/g, '-')}.cpuprofile`,
  );
  const gateway = await start('gateway', {
    ...common,
    // V8's profiler, started and stopped by SIGUSR2 around the gateway's run (caseload/profile-preload.ts).
    ...(opts.profile
      ? {
          NODE_OPTIONS: `--require @swc-node/register --require ${path.join(__dirname, 'caseload', 'profile-preload.ts')}`,
          BENCH_CPU_PROFILE: profileFile,
        }
      : {}),
    SERVICE_NAME: 'gateway',
    PORT: String(await freePort()),
    IDENTITY_URL: identity.url,
    CASELOAD_URL: upstreamUrl,
    CONTENT_URL: NOT_STARTED,
    MESSAGING_URL: NOT_STARTED,
    AUDIT_URL: NOT_STARTED,
    RETENTION_URL: NOT_STARTED,
    INTERNAL_TOKEN_KID: signingKey.kid,
    INTERNAL_TOKEN_PRIVATE_KEY: signingKey.privateKeyPem,
  });

  // ---- accounts --------------------------------------------------------------------------------
  const password = 'Bench-Passphrase-2026!';
  const slug = `bench-${suffix}`;
  const created = await runIdentityCli(
    [
      'create-tenant',
      '--slug',
      slug,
      '--name',
      'Bench',
      '--region',
      'eea',
      '--seats',
      String(opts.accounts + 1),
      '--admin-email',
      `admin@${slug}.example`,
      '--admin-name',
      'Admin',
    ],
    { ...identityEnv, LOG_LEVEL: 'error', TENANT_ADMIN_PASSWORD: password },
  );
  if (created.code !== 0) throw new Error(`create-tenant failed: ${created.stderr}`);
  const tenantId = (JSON.parse(created.stdout) as { tenantId: string }).tenantId;
  // identity's own parameters (services/identity/src/common/password-hasher.ts)
  const argonOptions = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
  const hash = await argon2.hash(password, argonOptions);
  const emails = Array.from({ length: opts.accounts }, (_, i) => `pro-${i}@${slug}.example`);
  for (const email of emails) {
    await admin.query(
      `INSERT INTO identity.user_account (id, tenant_id, email, display_name, role, status, password_hash)
       VALUES ($1, $2, $3, 'Bench professional', 'professional', 'active', $4)`,
      [randomUUID(), tenantId, email, hash],
    );
  }
  const loginBody = (email: string) => JSON.stringify({ organisation: slug, email, password });
  const res = await fetch(`${gateway.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: loginBody(emails[0]),
  });
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('__Host-tr_session='))
    ?.split(';')[0];
  if (res.status !== 200 || !cookie) throw new Error(`login answered ${res.status}`);

  // ---- (a) pass-through ------------------------------------------------------------------------
  const target = '/api/caseload/clients?limit=50';
  const headers = { cookie, accept: 'application/json' };
  const passThrough: Result[] = [];
  passThrough.push(await closedLoop('upstream directly', () => httpCall(`${upstreamUrl}/caseload/clients`)));
  passThrough.push(
    await closedLoop(
      'bare proxy (node:http + undici)',
      () => httpCall(`http://127.0.0.1:${proxyPort}${target}`, { headers }),
      proxy.pid,
    ),
  );
  if (opts.profile) gateway.process.kill('SIGUSR2');
  passThrough.push(
    await closedLoop(
      'gateway (session, internal token, forward)',
      () => httpCall(`${gateway.url}${target}`, { headers }),
      gateway.process.pid,
    ),
  );

  let profile = '';
  if (opts.profile) {
    gateway.process.kill('SIGUSR2');
    const until = Date.now() + 60_000;
    while (!existsSync(profileFile) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    const summary = summariseProfile(profileFile, passThrough[passThrough.length - 1].window);
    profile = [
      `Gateway CPU profile over the measured pass-through (${summary.busyMs.toFixed(0)} ms busy): \`${profileFile}\``,
      '',
      '| owner | self ms | inclusive ms |',
      '| --- | ---: | ---: |',
      ...summary.owners
        .slice(0, 15)
        .map((o) => `| ${o.owner} | ${o.selfMs.toFixed(0)} | ${o.inclusiveMs.toFixed(0)} |`),
      '',
      '| function | owner | self ms |',
      '| --- | --- | ---: |',
      ...summary.topFunctions.slice(0, 25).map((f) => `| ${f.name} | ${f.owner} | ${f.selfMs.toFixed(0)} |`),
      '',
    ].join('\n');
  }

  // ---- (b) login storm -------------------------------------------------------------------------
  const storm = await loginStorm();
  async function loginStorm() {
    const raw = await closedLoop('raw argon2id verify', () =>
      argon2.verify(hash, password).then((ok) => (ok ? 200 : 401)),
    );
    const metricsUrl = `http://127.0.0.1:${identityMetricsPort}/metrics`;
    await eventLoopLagP99Ms(metricsUrl); // resets the histogram
    const logins = await closedLoop(
      'login storm through the gateway',
      (i) =>
        httpCall(`${gateway.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: loginBody(emails[i % emails.length]),
        }),
      identity.process.pid,
    );
    const lagP99 = await eventLoopLagP99Ms(metricsUrl);
    return { raw, logins, lagP99 };
  }

  // ---- report ----------------------------------------------------------------------------------
  const fmt = (n: number | undefined, d = 1) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(d));
  const others = (r: Result) => [...r.other].map(([s, n]) => `${n}×${s || 'error'}`).join(', ') || '–';
  const row = (r: Result) =>
    `| ${r.name} | ${fmt(r.perSecond, 0)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${fmt(r.cpuMsPerOk, 2)} | ${others(r)} |`;
  const [, bare, viaGateway] = passThrough;
  const load = os.loadavg().map((l) => l.toFixed(2));
  const report = [
    `# Gateway and login benchmark, ${startedAt.toISOString()}`,
    '',
    `${os.availableParallelism()} CPUs, Node ${process.version}; ${opts.concurrency} concurrent, ${opts.seconds} s per variant after ${opts.warmup} s warm-up; load average at the end ${load.join(' / ')}.`,
    '',
    '| variant | per second | p50 ms | p95 ms | p99 ms | CPU ms per request (that process) | not 2xx |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...passThrough.map(row),
    ...(storm ? [row(storm.raw), row(storm.logins)] : []),
    '',
    `**gateway / bare proxy: ${fmt(viaGateway.perSecond / bare.perSecond, 2)}×** (target ≥ 0.5×); p99 ${fmt(viaGateway.p99 / bare.p99, 2)}×.`,
    '',
    storm
      ? `**logins / raw argon2id verify: ${fmt(storm.logins.perSecond / storm.raw.perSecond, 2)}×** (target ≥ 0.8×); identity's event-loop lag p99 during the storm: **${fmt(storm.lagP99)} ms** (target ≤ 20 ms).`
      : '',
    '',
    profile,
  ].join('\n');
  writeReport('gateway', startedAt, report);
}

runBenchmark(main);
