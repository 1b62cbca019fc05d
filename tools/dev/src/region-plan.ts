import { demo } from './demo';
import type { Region } from './options';

export interface RegionPorts {
  gateway: string;
  identity: string;
  caseload: string;
  content: string;
  messaging: string;
  audit: string;
  retention: string;
  /** Mailpit's web and SMTP ports. */
  mailWeb: string;
  mailSmtp: string;
}

export interface DemoOrganisation {
  slug: string;
  name: string;
  adminEmail: string;
  adminName: string;
  adminPassword: string;
}

/** One region of the local stack: its name, ports, demo organisation and how its logs and files are named. */
export interface RegionPlan {
  region: Region;
  ports: RegionPorts;
  demo: DemoOrganisation;
  /** Saved service environments are `<service><suffix>.env.json` (tools act on the first region's). */
  envSuffix: string;
  /** Log prefix of its processes (`identity`, or `uk/identity` with two regions). */
  label(name: string): string;
  /** DATABASE_ADMIN_URL / KAFKA_BROKERS may name external stores (one region only). */
  allowExternal: boolean;
}

/** The second region's ports: the first's plus this (gateway 3100 beside 3000). */
const SECOND_REGION_PORT_OFFSET = 100;

/** The demo organisation of a region; with two regions the UK one is `demo-uk`, in the UK. */
export function demoFor(region: Region, twoRegions: boolean): DemoOrganisation {
  if (!twoRegions || region === 'eea') return demo;
  return {
    slug: 'demo-uk',
    name: 'Demo Practice UK',
    adminEmail: 'admin@demo-uk.example',
    adminName: 'Demo Admin UK',
    adminPassword: demo.adminPassword,
  };
}

/**
 * The regions `npm start` runs (already parsed and checked by options.ts: `--regions eea,uk` for both
 * side by side, else the one `--region`/REGION names). Ports come from GATEWAY_PORT etc. for the first
 * region; the second region's are 100 higher.
 */
export function regionPlans(regions: readonly Region[], env: NodeJS.ProcessEnv): RegionPlan[] {
  if (regions.length === 0 || new Set(regions).size !== regions.length)
    throw new Error(`regions must be distinct (got "${regions.join(',')}")`);
  const base: RegionPorts = {
    gateway: env.GATEWAY_PORT ?? '3000',
    identity: env.IDENTITY_PORT ?? '3001',
    caseload: env.CASELOAD_PORT ?? '3002',
    content: env.CONTENT_PORT ?? '3003',
    messaging: env.MESSAGING_PORT ?? '3004',
    audit: env.AUDIT_PORT ?? '3005',
    retention: env.RETENTION_PORT ?? '3006',
    mailWeb: env.MAILPIT_PORT ?? '8025',
    mailSmtp: env.MAILPIT_SMTP_PORT ?? '1025',
  };
  const two = regions.length > 1;
  return regions.map((region, i) => ({
    region,
    ports: Object.fromEntries(
      Object.entries(base).map(([k, v]) => [k, String(Number(v) + i * SECOND_REGION_PORT_OFFSET)]),
    ) as unknown as RegionPorts,
    demo: demoFor(region, two),
    envSuffix: i === 0 ? '' : `-${region}`,
    label: (name) => (two ? `${region}/${name}` : name),
    allowExternal: !two,
  }));
}
