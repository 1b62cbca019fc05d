import type { Region } from '@therapy-room/contracts';
import { demo } from './demo';

export interface RegionPorts {
  gateway: string;
  identity: string;
  caseload: string;
  content: string;
  messaging: string;
  audit: string;
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

const REGIONS: readonly Region[] = ['eea', 'uk'];
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
 * The regions `npm start` runs: `--regions eea,uk` (or `--regions=eea,uk`) for both side by side, else
 * the one REGION names (default eea). Ports come from GATEWAY_PORT etc. for the first region; the
 * second region's are 100 higher.
 */
export function regionPlans(argv: string[], env: NodeJS.ProcessEnv): RegionPlan[] {
  const index = argv.findIndex((a) => a === '--regions' || a.startsWith('--regions='));
  const listed =
    index < 0 ? undefined : argv[index].includes('=') ? argv[index].split('=')[1] : argv[index + 1];
  const names = (listed ?? env.REGION ?? 'eea')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !REGIONS.includes(n as Region));
  if (unknown.length || names.length === 0 || new Set(names).size !== names.length || names.length > 2) {
    throw new Error(`--regions takes eea, uk or eea,uk (got "${listed ?? env.REGION}")`);
  }
  const base: RegionPorts = {
    gateway: env.GATEWAY_PORT ?? '3000',
    identity: env.IDENTITY_PORT ?? '3001',
    caseload: env.CASELOAD_PORT ?? '3002',
    content: env.CONTENT_PORT ?? '3003',
    messaging: env.MESSAGING_PORT ?? '3004',
    audit: env.AUDIT_PORT ?? '3005',
  };
  const two = names.length === 2;
  return (names as Region[]).map((region, i) => ({
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
