/**
 * Gateway benchmark (a tool, never a test: CI does not run it).
 *
 *   npm run bench:gateway -- --concurrency 20 --seconds 15
 *
 * Starts its own PostgreSQL (durable) and Kafka (or uses DATABASE_ADMIN_URL / KAFKA_BROKERS), identity
 * and the gateway as real processes, a trivial upstream (one process answering every request with a
 * small JSON body, standing in for caseload) and a bare Node.js proxy (node:http + undici's fetch, the
 * one in Node) to that upstream, and measures in one run C concurrent clients in a closed loop
 * GET /api/caseload/clients, through the gateway with a session cookie (authenticated, internal token
 * minted, forwarded) and through the bare proxy; requests/s, p50/p95/p99, CPU per proxied request of
 * the proxy process. The login storm is `bench:login` (login.bench.ts).
 * Prints a markdown report and writes it to tools/bench/results/. See tools/bench/README.md.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '@therapy-room/local-postgres';
import { benchCli } from './common/cli';
import { runBenchmark, writeReport } from './common/report';
import { installLifecycle, onCleanup } from './common/lifecycle';
import { closedLoop, fmt, httpCall, loadTable, type LoadResult } from './common/load';
import { profilerPreload, startGatewayStack } from './common/gateway-stack';
import { profileMarkdown, profileWritten, summariseProfile } from './caseload/cpu-profile';

const USAGE = `Usage: npm run bench:gateway -- [options]

  --concurrency C   concurrent clients (default 20)
  --seconds S       measured seconds of each variant (default 15)
  --warmup S        warm-up seconds before each variant (default 3)
  --max-minutes M   abort (and clean up) after M minutes (default 10)
  --profile         V8 CPU profile of the gateway over the measured pass-through, summarised
  --verbose         service logs on stderr
`;
const cli = benchCli(USAGE, {
  numbers: ['concurrency', 'seconds', 'warmup', 'max-minutes'],
  flags: ['verbose', 'profile'],
});
const opts = {
  concurrency: cli.int('concurrency', 20, 1, 500),
  seconds: cli.int('seconds', 15, 1, 600),
  warmup: cli.int('warmup', 3, 0, 120),
  maxMinutes: cli.int('max-minutes', 10, 1, 120),
  verbose: cli.flag('verbose'),
  profile: cli.flag('profile'),
};
const deadline = installLifecycle(opts.maxMinutes);
deadline.unref();
const load = { concurrency: opts.concurrency, warmupSeconds: opts.warmup, seconds: opts.seconds };

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

async function main() {
  const startedAt = new Date();
  const upstreamPort = await freePort();
  await startNodeProgram('upstream', UPSTREAM, upstreamPort);
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
  const proxyPort = await freePort();
  const proxy = await startNodeProgram('bare proxy', BARE_PROXY(upstreamUrl), proxyPort);
  const profileFile = path.join(
    __dirname,
    '..',
    'results',
    `gateway-${startedAt.toISOString().replace(/[:.]/g, '-')}.cpuprofile`,
  );
  const stack = await startGatewayStack({
    verbose: opts.verbose,
    accounts: 1,
    caseloadUrl: upstreamUrl,
    // V8's profiler, started and stopped by SIGUSR2 around the gateway's run (caseload/profile-preload.ts).
    gatewayEnv: opts.profile
      ? {
          NODE_OPTIONS: `--require @swc-node/register --require ${profilerPreload}`,
          BENCH_CPU_PROFILE: profileFile,
        }
      : {},
  });
  const { gateway } = stack;
  const cookie = await stack.login();

  const target = '/api/caseload/clients?limit=50';
  const headers = { cookie, accept: 'application/json' };
  const passThrough: LoadResult[] = [];
  passThrough.push(
    await closedLoop('upstream directly', load, () => httpCall(`${upstreamUrl}/caseload/clients`)),
  );
  passThrough.push(
    await closedLoop(
      'bare proxy (node:http + undici)',
      load,
      () => httpCall(`http://127.0.0.1:${proxyPort}${target}`, { headers }),
      { proxy: proxy.pid },
    ),
  );
  if (opts.profile) gateway.process.kill('SIGUSR2');
  passThrough.push(
    await closedLoop(
      'gateway (session, internal token, forward)',
      load,
      () => httpCall(`${gateway.url}${target}`, { headers }),
      { proxy: gateway.process.pid },
    ),
  );

  let profile = '';
  if (opts.profile) {
    gateway.process.kill('SIGUSR2');
    if (await profileWritten(profileFile))
      profile = profileMarkdown(
        `Gateway CPU profile over the measured pass-through, \`${path.basename(profileFile)}\``,
        summariseProfile(profileFile, passThrough[passThrough.length - 1].window),
      );
  }

  const [, bare, viaGateway] = passThrough;
  const loadAvg = os.loadavg().map((l) => l.toFixed(2));
  const report = [
    `# Gateway benchmark, ${startedAt.toISOString()}`,
    '',
    `${os.availableParallelism()} CPUs, Node ${process.version}; ${opts.concurrency} concurrent, ${opts.seconds} s per variant after ${opts.warmup} s warm-up; load average at the end ${loadAvg.join(' / ')}.`,
    '',
    ...loadTable(passThrough),
    '',
    `**gateway / bare proxy: ${fmt(viaGateway.perSecond / bare.perSecond, 2)}×** (target ≥ 0.5×); p99 ${fmt(viaGateway.p99 / bare.p99, 2)}×.`,
    '',
    profile,
  ].join('\n');
  writeReport('gateway', startedAt, report);
}

runBenchmark(main);
