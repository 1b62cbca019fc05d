import { parseArgs } from 'node:util';

export const REGIONS = ['eea', 'uk'] as const;
export type Region = (typeof REGIONS)[number];

export interface StartOptions {
  help: boolean;
  /** The regions to run: one, or both side by side (`--regions eea,uk`). */
  regions: Region[];
  /** Wipe the local data directory first (after asking, or without with --yes). */
  fresh: boolean;
  yes: boolean;
}

export const usage = `Usage: npm start [-- <options>]

Starts the whole platform on this machine: PostgreSQL, Kafka, a local mail catcher (Mailpit), every
service, and the demo organisation with its people and their history. Ctrl-C stops everything.

Options:
  --region <eea|uk>     the region to run (default: $REGION, else eea)
  --regions <eea,uk>    both regions side by side, each with its own PostgreSQL, Kafka, mail catcher
                        and services (the second region's ports 100 up: gateway 3100), MirrorMaker 2
                        carrying the organisation directory between them; demo-uk is the UK demo
  --fresh               wipe the local data (databases, keys, mails) first; asks before it deletes
  --yes                 with --fresh: do not ask (for scripts)
  -h, --help            this text

Environment:
  THERAPY_ROOM_DATA     where local data lives (default: .data in the repository)
  KAFKA_BROKERS         use this Kafka (host:port,…) instead of starting one
  DATABASE_ADMIN_URL    use this PostgreSQL (an administrator's URL) instead of starting one
  SMTP_URL              use this SMTP relay instead of starting Mailpit
  MAILPIT_PORT, MAILPIT_SMTP_PORT
                        the mail catcher's web and SMTP ports (default 8025, 1025)
  GATEWAY_PORT, IDENTITY_PORT, CASELOAD_PORT, CONTENT_PORT, MESSAGING_PORT, AUDIT_PORT, RETENTION_PORT
                        the services' ports (default 3000…3006); GATEWAY_HOST binds the gateway
  OTEL_EXPORTER_OTLP_ENDPOINT
                        export traces to this OpenTelemetry collector
  LOG_LEVEL             the services' log level (default info)
  DEMO_ADMIN_PASSWORD   the demo admin's password (default Demo-Password-2026!)
  THERAPY_ROOM_CACHE    where tools built once are cached (default ~/.cache/therapy-room)
`;

export class OptionsError extends Error {}

const isRegion = (value: string): value is Region => (REGIONS as readonly string[]).includes(value);

function regionList(value: string, flag: string): Region[] {
  const regions = value.split(',').map((r) => r.trim().toLowerCase());
  const unknown = regions.filter((r) => !isRegion(r));
  if (unknown.length || regions.length === 0)
    throw new OptionsError(`${flag}: unknown region "${unknown.join(',')}" (one of ${REGIONS.join(', ')})`);
  return [...new Set(regions)] as Region[];
}

/** `npm start` arguments and REGION; a mistake is one line (OptionsError), never a stack. */
export function parseStartOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): StartOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new OptionsError(`${(err as Error).message} (npm start -- --help lists the options)`);
  }
  const { values } = parsed;
  if (values.region && values.regions) throw new OptionsError('give --region or --regions, not both');
  const regions = values.regions
    ? regionList(values.regions, '--regions')
    : regionList(values.region ?? env.REGION ?? 'eea', values.region ? '--region' : 'REGION');
  return { help: values.help, regions, fresh: values.fresh, yes: values.yes };
}

const parse = (argv: string[]) =>
  parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      region: { type: 'string' },
      regions: { type: 'string' },
      fresh: { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
    },
  });

/** The options of this process: --help prints the usage and exits; a mistake is one line, exit code 2. */
export function startOptionsOrExit(argv: string[] = process.argv.slice(2)): StartOptions {
  try {
    const options = parseStartOptions(argv);
    if (options.help) {
      process.stdout.write(usage);
      process.exit(0);
    }
    return options;
  } catch (err) {
    if (!(err instanceof OptionsError)) throw err;
    process.stderr.write(`npm start: ${err.message}\n`);
    process.exit(2);
  }
}
