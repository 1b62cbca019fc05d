import { identityDirectoryEntryPublishedV1 } from '@therapy-room/contracts';
import { startMirrorMaker } from '@therapy-room/local-kafka';
import type { RegionPlan } from './region-plan';
import type { RegionContext, RegionStores } from './region';

/**
 * Lines MirrorMaker 2 logs as errors about the connectors this configuration switches off on purpose
 * (heartbeats, checkpoints): expected, not shown.
 */
const switchedOff =
  /MirrorHeartbeatConnector|MirrorCheckpointConnector|heartbeats|offset syncs|emit\.checkpoints/;

/** MirrorMaker 2 between the regions' brokers, replicating the organisation directory topic only. */
export async function startDirectoryMirror(
  plans: RegionPlan[],
  stores: RegionStores[],
  ctx: RegionContext,
): Promise<void> {
  const mirror = await startMirrorMaker({
    clusters: Object.fromEntries(plans.map((p, i) => [p.region, stores[i].kafka.brokers])),
    topics: [identityDirectoryEntryPublishedV1.topic],
    // Errors and the start line; stack lines and the switched-off connectors' complaints are left out.
    onLog: (line) =>
      /ERROR|FATAL|MirrorMaker started/.test(line) && !switchedOff.test(line) && ctx.say('mm2', line),
  });
  ctx.stops.push(() => mirror.stop());
  ctx.say(
    'mm2',
    `MirrorMaker 2 replicates ${identityDirectoryEntryPublishedV1.topic} between ${plans.map((p) => p.region).join(' and ')}`,
  );
}
