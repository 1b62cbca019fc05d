import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { forEachLine, trackChild } from './child-processes';
import { ensureMavenClasspath } from './jar-cache';
import { JVM_FLAGS, KAFKA_VERSION, PACKAGE_DIR } from './local-kafka';

const POM_PATH = path.join(PACKAGE_DIR, 'mirror-maker', 'pom.xml');
const LOG4J_PATH = path.join(PACKAGE_DIR, 'mirror-maker', 'log4j.properties');
const STOP_GRACE_MS = 20_000;

export interface MirrorMakerOptions {
  /** Cluster alias (the region) → its brokers. Every alias replicates to every other. */
  clusters: Record<string, string[]>;
  /** The exact topic names replicated, and nothing else (an allowlist, not a pattern). */
  topics: string[];
  heapMb?: number; // default 256
  onLog?: (line: string) => void;
}

export interface MirrorMakerHandle {
  /** The properties MirrorMaker 2 runs with (what is replicated, in which directions). */
  properties: string;
  stop(): Promise<void>;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * MirrorMaker 2 in dedicated mode (`connect-mirror-maker`), as the two regions' `KafkaMirrorMaker2`
 * resources run it: the allowlist is the topic names, escaped, so `identity.directory-entry.published.v1`
 * cannot match a look-alike; heartbeats, checkpoints, consumer-group offset sync and offset syncs are
 * off, so no other topic is written into the other cluster except MirrorMaker's own bookkeeping
 * (`mm2-configs/offsets/status.<source>.internal`: connector state, no message of ours). The default
 * replication policy names a mirrored topic `<source alias>.<topic>` and never sends it back.
 */
export function mirrorMakerProperties(options: Pick<MirrorMakerOptions, 'clusters' | 'topics'>): string {
  const aliases = Object.keys(options.clusters);
  const allowlist = options.topics.map((t) => `^${escapeRegex(t)}$`).join('|');
  const lines = [
    `clusters = ${aliases.join(', ')}`,
    ...aliases.map((a) => `${a}.bootstrap.servers = ${options.clusters[a].join(',')}`),
    ...aliases.flatMap((from) =>
      aliases.filter((to) => to !== from).map((to) => `${from}->${to}.enabled = true`),
    ),
    `topics = ${allowlist}`,
    'topics.exclude = ^$',
    'groups.exclude = .*',
    'emit.heartbeats.enabled = false',
    'emit.checkpoints.enabled = false',
    'emit.offset-syncs.enabled = false',
    'sync.group.offsets.enabled = false',
    'sync.topic.acls.enabled = false',
    'sync.topic.configs.enabled = true',
    'refresh.topics.interval.seconds = 2',
    'refresh.groups.enabled = false',
    'tasks.max = 1',
    'replication.factor = 1',
    'config.storage.replication.factor = 1',
    'offset.storage.replication.factor = 1',
    'status.storage.replication.factor = 1',
    'dedicated.mode.enable.internal.rest = false',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Starts MirrorMaker 2 between local clusters, its jars (connect-mirror and the Connect runtime, the
 * same Kafka version as the broker) fetched from Maven Central into the cache like the broker's.
 * Resolves once the process reports it started; replication begins moments later.
 */
export async function startMirrorMaker(options: MirrorMakerOptions): Promise<MirrorMakerHandle> {
  const log = options.onLog ?? (() => undefined);
  const classpath = await ensureMavenClasspath(POM_PATH, `kafka-${KAFKA_VERSION}-mirror-maker`, {
    onLog: log,
  });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'therapy-room-mm2-'));
  const properties = mirrorMakerProperties(options);
  const propsPath = path.join(dir, 'mm2.properties');
  await fs.writeFile(propsPath, properties);
  const heap = options.heapMb ?? 256;
  const args = [`-Xms${heap}m`, `-Xmx${heap}m`, ...JVM_FLAGS, `-Dlog4j.configuration=file:${LOG4J_PATH}`];
  args.push('-cp', classpath, 'org.apache.kafka.connect.mirror.MirrorMaker', propsPath);
  const child: ChildProcess = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const recent: string[] = [];
  let started!: () => void;
  const startedLine = new Promise<void>((resolve) => (started = resolve));
  const onLine = (line: string) => {
    recent.push(line);
    if (recent.length > 40) recent.shift();
    if (/Kafka MirrorMaker started/.test(line)) started();
    log(line);
  };
  forEachLine(child.stdout, onLine);
  forEachLine(child.stderr, onLine);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  trackChild(child, exited);
  const failed = exited.then(() => {
    throw new Error(`MirrorMaker 2 exited before it started:\n${recent.join('\n')}`);
  });
  await Promise.race([startedLine, failed]);
  void failed.catch(() => undefined);
  return {
    properties,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
