/**
 * Login benchmark (a tool, never a test: CI does not run it).
 *
 *   npm run bench:login -- --concurrency 20 --seconds 15
 *
 * Starts its own PostgreSQL (durable) and Kafka (or uses DATABASE_ADMIN_URL / KAFKA_BROKERS), identity
 * and the gateway as real processes, and measures in one run:
 *  - raw argon2id: C concurrent `argon2.verify` of a hash at identity's parameters (argon2id, 19 MiB,
 *    t=2, p=1) in the benchmark's own process, libuv's default thread pool: the machine's hash rate;
 *  - a login storm: C concurrent clients POST /api/auth/login through the gateway (each from its own
 *    loopback address, 127.0.0.2…, as a storm of many users would be), cycling the accounts; logins/s,
 *    p50/p95/p99, refusals by status, CPU per login of identity and the gateway, and identity's
 *    event-loop lag p99 over the measured seconds (its own `nodejs_eventloop_lag_p99_seconds`,
 *    reset by a scrape when they start).
 * Prints a markdown report and writes it to tools/bench/results/. See tools/bench/README.md.
 */
import 'reflect-metadata';
import * as os from 'node:os';
import * as path from 'node:path';
import argon2 from 'argon2';
import { benchCli } from './common/cli';
import { runBenchmark, writeReport } from './common/report';
import { installLifecycle } from './common/lifecycle';
import { closedLoop, eventLoopLagP99Ms, fmt, httpCall, loadTable } from './common/load';
import { IDENTITY_ARGON2, profilerPreload, startGatewayStack } from './common/gateway-stack';
import { profileMarkdown, profileWritten, summariseProfile } from './caseload/cpu-profile';

const USAGE = `Usage: npm run bench:login -- [options]

  --concurrency C   concurrent logins and concurrent raw verifications (default 20)
  --seconds S       measured seconds of each variant (default 15)
  --warmup S        warm-up seconds before each variant (default 3)
  --accounts N      accounts the storm cycles through (default 40)
  --max-minutes M   abort (and clean up) after M minutes (default 10)
  --profile         V8 CPU profile of identity over the measured storm, summarised
  --verbose         service logs on stderr
`;
const cli = benchCli(USAGE, {
  numbers: ['concurrency', 'seconds', 'warmup', 'accounts', 'max-minutes'],
  flags: ['verbose', 'profile'],
});
const opts = {
  concurrency: cli.int('concurrency', 20, 1, 250),
  seconds: cli.int('seconds', 15, 1, 600),
  warmup: cli.int('warmup', 3, 0, 120),
  accounts: cli.int('accounts', 40, 1, 1000),
  maxMinutes: cli.int('max-minutes', 10, 1, 120),
  verbose: cli.flag('verbose'),
  profile: cli.flag('profile'),
};
const deadline = installLifecycle(opts.maxMinutes);
deadline.unref();
const load = { concurrency: opts.concurrency, warmupSeconds: opts.warmup, seconds: opts.seconds };

async function main() {
  const startedAt = new Date();
  const profileFile = path.join(
    __dirname,
    '..',
    'results',
    `login-${startedAt.toISOString().replace(/[:.]/g, '-')}.cpuprofile`,
  );
  const stack = await startGatewayStack({
    verbose: opts.verbose,
    accounts: opts.accounts,
    // V8's profiler, started and stopped by SIGUSR2 around identity's storm (caseload/profile-preload.ts).
    identityEnv: opts.profile
      ? {
          NODE_OPTIONS: `--require @swc-node/register --require ${profilerPreload}`,
          BENCH_CPU_PROFILE: profileFile,
        }
      : {},
  });
  const { gateway, identity } = stack;
  const hash = await argon2.hash(stack.password, IDENTITY_ARGON2);

  const raw = await closedLoop(
    'raw argon2id verify (benchmark process)',
    load,
    () => argon2.verify(hash, stack.password).then((ok) => (ok ? 200 : 401)),
    // The hashes run on this process's libuv pool; its main thread only waits for them.
    { 'this benchmark': process.pid },
  );
  if (opts.profile) identity.process.kill('SIGUSR2');
  const logins = await closedLoop(
    'login through the gateway',
    load,
    (i) =>
      httpCall(`${gateway.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: stack.loginBody(stack.emails[i % stack.emails.length]),
        localAddress: `127.0.0.${2 + (i % opts.concurrency)}`,
      }),
    { identity: identity.process.pid, gateway: gateway.process.pid },
    () => eventLoopLagP99Ms(stack.identityMetricsUrl), // the scrape resets the histogram
  );
  const lagP99 = await eventLoopLagP99Ms(stack.identityMetricsUrl);
  let profile = '';
  if (opts.profile) {
    identity.process.kill('SIGUSR2');
    if (await profileWritten(profileFile))
      profile = profileMarkdown(
        `Identity CPU profile over the measured storm (main thread only: argon2 runs on libuv's pool), \`${path.basename(profileFile)}\``,
        summariseProfile(profileFile, logins.window),
      );
  }

  const loadAvg = os.loadavg().map((l) => l.toFixed(2));
  const report = [
    `# Login benchmark, ${startedAt.toISOString()}`,
    '',
    `${os.availableParallelism()} CPUs, Node ${process.version}, UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? 'default (4)'}; ${opts.concurrency} concurrent, ${opts.seconds} s per variant after ${opts.warmup} s warm-up, ${opts.accounts} accounts; load average at the end ${loadAvg.join(' / ')}.`,
    '',
    ...loadTable([raw, logins]),
    '',
    `**logins / raw argon2id verify: ${fmt(logins.perSecond / raw.perSecond, 2)}×** (target ≥ 0.8×); identity's event-loop lag p99 during the storm: **${fmt(lagP99)} ms** (target ≤ 20 ms).`,
    '',
    profile,
  ].join('\n');
  writeReport('login', startedAt, report);
}

runBenchmark(main);
