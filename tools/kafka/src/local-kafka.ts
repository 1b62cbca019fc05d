import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { discard, forEachLine, type LogSink, runToCompletion, trackChild } from './child-processes';
import { ensureMavenClasspath } from './jar-cache';

export interface LocalKafkaOptions {
  /** where broker data lives; default a fresh mkdtemp under os.tmpdir() */
  dataDir?: string;
  /** fixed ports; default: pick free ports on 127.0.0.1 */
  brokerPort?: number;
  controllerPort?: number;
  heapMb?: number; // default 512
  /** receives broker stdout/stderr lines; default: discard */
  onLog?: (line: string) => void;
  startTimeoutMs?: number; // default 90_000
}

export interface KafkaHandle {
  brokers: string[];
  external: boolean;
  stop(): Promise<void>;
  kafka?: LocalKafka;
}

export const KAFKA_VERSION = '3.9.1';
export const PACKAGE_DIR = path.join(__dirname, '..');
const POM_PATH = path.join(PACKAGE_DIR, 'pom.xml');
export const LOG4J_PATH = path.join(PACKAGE_DIR, 'log4j.properties');
const HOST = '127.0.0.1';
const READY_TOPIC = '__local_kafka_ready';
const LOG_TAIL_LINES = 40;
const STOP_GRACE_MS = 20_000;
const READY_POLL_MS = 500;
// Keeps the JVM from grabbing every core and a quarter of RAM on small CI machines.
export const JVM_FLAGS = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];

export class LocalKafka {
  private readonly options: LocalKafkaOptions;
  private readonly log: LogSink;
  private dataDir?: string;
  private ownsDataDir = false;
  private ports?: { broker: number; controller: number };
  private broker?: BrokerProcess;

  constructor(options: LocalKafkaOptions = {}) {
    this.options = options;
    this.log = options.onLog ?? discard;
  }

  get brokers(): string[] {
    return this.ports ? [`${HOST}:${this.ports.broker}`] : [];
  }

  async start(): Promise<void> {
    if (this.broker) throw new Error('LocalKafka is already started');
    const classpath = await ensureKafkaClasspath({ onLog: this.log });
    const dataDir = await this.ensureDataDir();
    this.ports ??= await this.resolvePorts();
    const propsPath = await writeServerProperties(dataDir, this.ports);
    await formatStorageOnce(classpath, dataDir, propsPath, this.log);
    this.broker = BrokerProcess.spawn(classpath, propsPath, this.options.heapMb ?? 512, this.log);
    try {
      await waitUntilReady(this.broker, this.brokers, this.options.startTimeoutMs ?? 90_000);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    const broker = this.broker;
    this.broker = undefined;
    await broker?.stop();
  }

  /**
   * Kills the broker with SIGKILL (no clean shutdown: what a crash or an OOM kill does) and waits for
   * the process to be gone. `start()` brings it back on the same ports and data.
   */
  async kill(): Promise<void> {
    const broker = this.broker;
    this.broker = undefined;
    await broker?.kill();
  }

  async destroy(): Promise<void> {
    await this.stop();
    if (this.dataDir && this.ownsDataDir) await fs.rm(this.dataDir, { recursive: true, force: true });
    this.dataDir = undefined;
    this.ownsDataDir = false;
  }

  private async ensureDataDir(): Promise<string> {
    if (this.dataDir) return this.dataDir;
    if (this.options.dataDir) {
      this.dataDir = path.resolve(this.options.dataDir);
      await fs.mkdir(this.dataDir, { recursive: true });
    } else {
      this.dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'therapy-room-kafka-'));
      this.ownsDataDir = true;
    }
    return this.dataDir;
  }

  private async resolvePorts(): Promise<{ broker: number; controller: number }> {
    const { brokerPort, controllerPort } = this.options;
    const free = await freePorts(2);
    return { broker: brokerPort ?? free[0], controller: controllerPort ?? free[1] };
  }
}

/** Ensures the jars are in the cache (runs mvn when missing) and returns the java classpath string. */
export function ensureKafkaClasspath(opts: { onLog?: LogSink } = {}): Promise<string> {
  return ensureMavenClasspath(POM_PATH, `kafka-${KAFKA_VERSION}`, opts);
}

/** If process.env.KAFKA_BROKERS is set, returns those brokers and a no-op stop, starting nothing; otherwise starts a LocalKafka. */
export async function startKafkaOrUseExternal(options: LocalKafkaOptions = {}): Promise<KafkaHandle> {
  const external = parseBrokerList(process.env.KAFKA_BROKERS);
  if (external.length > 0) return { brokers: external, external: true, stop: async () => undefined };
  const kafka = new LocalKafka(options);
  try {
    await kafka.start();
  } catch (error) {
    await kafka.destroy();
    throw error;
  }
  return { brokers: kafka.brokers, external: false, stop: () => kafka.destroy(), kafka };
}

function parseBrokerList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
}

// ---------------------------------------------------------------------------------------------
// Broker configuration and storage

async function writeServerProperties(
  dataDir: string,
  ports: { broker: number; controller: number },
): Promise<string> {
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@${HOST}:${ports.controller}`,
    listeners: `PLAINTEXT://${HOST}:${ports.broker},CONTROLLER://${HOST}:${ports.controller}`,
    'advertised.listeners': `PLAINTEXT://${HOST}:${ports.broker}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': path.join(dataDir, 'logs'),
    'num.partitions': 3,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 3,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': true,
    'log.retention.hours': 24,
  };
  const propsPath = path.join(dataDir, 'server.properties');
  const body = Object.entries(props).map(([key, value]) => `${key}=${value}`);
  await fs.writeFile(propsPath, `${body.join('\n')}\n`);
  return propsPath;
}

async function formatStorageOnce(
  classpath: string,
  dataDir: string,
  propsPath: string,
  log: LogSink,
): Promise<void> {
  if (existsSync(path.join(dataDir, 'logs', 'meta.properties'))) return;
  const args = [...JVM_FLAGS, '-Xmx256m', `-Dlog4j.configuration=file:${LOG4J_PATH}`, '-cp', classpath];
  args.push('kafka.tools.StorageTool', 'format', '-t', newClusterId(), '-c', propsPath);
  await runToCompletion('java', args, log);
}

function newClusterId(): string {
  // Same rule as Kafka's Uuid.randomUuid(): an id starting with '-' would be parsed as a CLI flag.
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

// ---------------------------------------------------------------------------------------------
// Broker process

class BrokerProcess {
  private readonly recentLines: string[] = [];
  private exitReason?: string;
  readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    log: LogSink,
  ) {
    const remember = (line: string): void => {
      this.recentLines.push(line);
      if (this.recentLines.length > LOG_TAIL_LINES) this.recentLines.shift();
      log(line);
    };
    forEachLine(child.stdout, remember);
    forEachLine(child.stderr, remember);
    this.exited = new Promise((resolve) => {
      child.once('error', (error) => {
        this.exitReason ??= `failed to run java: ${error.message}`;
        resolve();
      });
      child.once('exit', (code, signal) => {
        this.exitReason ??= signal ? `killed by ${signal}` : `exited with code ${code}`;
        resolve();
      });
    });
    trackChild(child, this.exited);
  }

  static spawn(classpath: string, propsPath: string, heapMb: number, log: LogSink): BrokerProcess {
    const args = [`-Xms${heapMb}m`, `-Xmx${heapMb}m`, ...JVM_FLAGS];
    args.push(`-Dlog4j.configuration=file:${LOG4J_PATH}`, '-cp', classpath, 'kafka.Kafka', propsPath);
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: false });
    return new BrokerProcess(child, log);
  }

  get hasExited(): boolean {
    return this.exitReason !== undefined;
  }

  describeFailure(headline: string): string {
    const reason = this.exitReason ? ` (broker ${this.exitReason})` : '';
    return `${headline}${reason}. Last broker log lines:\n${this.recentLines.join('\n')}`;
  }

  async kill(): Promise<void> {
    if (this.hasExited) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<void> {
    if (this.hasExited) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}

async function waitUntilReady(broker: BrokerProcess, brokers: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const kafka = new Kafka({
    clientId: 'local-kafka-readiness',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  });
  for (;;) {
    if (broker.hasExited)
      throw new Error(broker.describeFailure('Kafka broker exited before becoming ready'));
    if (Date.now() > deadline) {
      throw new Error(broker.describeFailure(`Kafka broker not ready within ${timeoutMs} ms`));
    }
    const ready = await Promise.race([isReady(kafka.admin({ retry: { retries: 0 } })), broker.exited]);
    if (ready === true) return;
    await Promise.race([delay(READY_POLL_MS), broker.exited]);
  }
}

/** Ready = metadata answers with our single broker AND the controller can create topics. */
async function isReady(admin: Admin): Promise<boolean> {
  try {
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    if (brokers.length !== 1) return false;
    // Resolves false (not an error) when the topic already exists, e.g. after a restart.
    await admin.createTopics({ topics: [{ topic: READY_TOPIC, numPartitions: 1 }], waitForLeaders: true });
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export function freePorts(count: number): Promise<number[]> {
  // All servers stay open until every port is read, so the ports are distinct.
  const servers = Array.from({ length: count }, () => net.createServer());
  const listening = servers.map(
    (server) =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, HOST, () => resolve((server.address() as net.AddressInfo).port));
      }),
  );
  const closeAll = (): Promise<void[]> =>
    Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return Promise.all(listening).finally(closeAll);
}
