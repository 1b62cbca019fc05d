import { hostname } from 'node:os';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { Gauge } from 'prom-client';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { directoryTopicsFor, identityDirectoryEntryPublishedV1, type Region } from '@therapy-room/contracts';
import {
  KAFKA,
  Metrics,
  PLATFORM_CONFIG,
  PLATFORM_LOGGER,
  prefixed,
  retryRetriable,
  type ReadinessProbe,
} from '@therapy-room/platform';
import type { GatewayConfig } from '../gateway.config';

export interface DirectoryEntry {
  slug: string;
  region: Region;
  baseUrl: string;
}

/**
 * The organisation directory as this gateway knows it: slug → home region and base URL, read whole from
 * the directory topics (this region's, and each other region's mirror that MirrorMaker 2 writes) into
 * memory by every gateway replica (its own consumer group, from the beginning). The gateway is ready once
 * it has read up to the end the topics had when it started: routing before that could evaluate another
 * region's organisation here.
 *
 * An entry is taken only from the topic of its own region (the envelope's region, the payload's region
 * and the topic agree); anything else is logged and ignored, so a mirror cannot claim a local slug.
 */
@Injectable()
export class OrganisationDirectory implements ReadinessProbe, OnModuleInit, OnApplicationShutdown {
  readonly readinessKey = 'organisation-directory';
  /** slug → its entry per region that published it (a slug is unique within a region). */
  private readonly entries = new Map<string, Map<Region, DirectoryEntry>>();
  private consumer?: Consumer;
  private caughtUp = false;
  private starting?: Promise<void>;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PLATFORM_CONFIG) private readonly config: GatewayConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
    @Optional() metrics?: Metrics,
  ) {
    if (metrics) {
      const entries = this.entries;
      new Gauge({
        name: 'therapy_room_directory_organisations',
        help: 'Organisations in the directory this gateway has read, by home region (the other regions: through MirrorMaker 2)',
        labelNames: ['home_region'],
        registers: [metrics.registry],
        collect() {
          this.reset();
          const counts = new Map<string, number>();
          for (const byRegion of entries.values())
            for (const region of byRegion.keys()) counts.set(region, (counts.get(region) ?? 0) + 1);
          for (const [region, count] of counts) this.set({ home_region: region }, count);
        },
      });
    }
  }

  /**
   * The entry of a slug, or undefined for a slug no region has published. This region's own entry comes
   * first: another region's mirror can never send a local organisation's users elsewhere.
   */
  lookup(slug: string): DirectoryEntry | undefined {
    const byRegion = this.entries.get(slug);
    if (!byRegion) return undefined;
    return byRegion.get(this.config.REGION) ?? byRegion.values().next().value;
  }

  /** How many organisations the directory knows (for the start log). */
  get size(): number {
    return this.entries.size;
  }

  get loaded(): boolean {
    return this.caughtUp;
  }

  checkReady(): Promise<void> {
    return this.caughtUp
      ? Promise.resolve()
      : Promise.reject(new Error('the organisation directory is still loading'));
  }

  onModuleInit() {
    // In the background: a Kafka that is slow to answer keeps the gateway unready, not unstarted.
    this.starting = this.start().catch((err: Error) =>
      this.logger.error({ err }, 'organisation directory could not start; the gateway stays unready'),
    );
  }

  private topicsToRead(): { name: string; region: Region }[] {
    return directoryTopicsFor(this.config.REGION).map(({ topic, region }) => ({
      // MirrorMaker 2 prefixes the source topic (this deployment's prefix included) with the region.
      name:
        region === this.config.REGION
          ? prefixed(this.config.KAFKA_TOPIC_PREFIX, topic)
          : `${region}.${prefixed(this.config.KAFKA_TOPIC_PREFIX, identityDirectoryEntryPublishedV1.topic)}`,
      region,
    }));
  }

  private async start() {
    const topics = this.topicsToRead();
    const admin = this.kafka.admin();
    await admin.connect();
    const highWater = new Map<string, bigint>();
    try {
      // A mirror topic exists once MirrorMaker 2 has run; until then (or with one region) it is empty.
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.name));
      if (missing.length && this.config.KAFKA_PROVISION_TOPICS) {
        await retryRetriable(() =>
          admin.createTopics({
            waitForLeaders: true,
            topics: missing.map((t) => ({
              topic: t.name,
              numPartitions: 1,
              configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
            })),
          }),
        );
      }
      for (const topic of topics) {
        const offsets = await retryRetriable(() => admin.fetchTopicOffsets(topic.name));
        for (const { partition, high } of offsets)
          if (BigInt(high) > 0n) highWater.set(`${topic.name}:${partition}`, BigInt(high));
      }
    } finally {
      await admin.disconnect();
    }
    const markIfCaughtUp = () => {
      if (!this.caughtUp && highWater.size === 0) {
        this.caughtUp = true;
        this.logger.info({ organisations: this.entries.size }, 'organisation directory loaded');
      }
    };
    markIfCaughtUp();
    const regionOf = new Map(topics.map((t) => [t.name, t.region]));
    const consumer = this.kafka.consumer({
      groupId: `${this.config.KAFKA_TOPIC_PREFIX}gateway.directory.${hostname()}-${process.pid}`,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    await consumer.connect();
    await retryRetriable(() =>
      consumer.subscribe({ topics: topics.map((t) => t.name), fromBeginning: true }),
    );
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        this.apply(regionOf.get(topic), message.value);
        const key = `${topic}:${partition}`;
        const high = highWater.get(key);
        if (high !== undefined && BigInt(message.offset) + 1n >= high) highWater.delete(key);
        markIfCaughtUp();
      },
    });
  }

  private apply(topicRegion: Region | undefined, value: Buffer | null) {
    let parsed;
    try {
      parsed = identityDirectoryEntryPublishedV1.message.safeParse(JSON.parse(value?.toString('utf8') ?? ''));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      this.logger.warn({ topicRegion }, 'directory entry ignored: it does not match its contract');
      return;
    }
    const { region, payload } = parsed.data;
    if (region !== topicRegion || payload.region !== topicRegion) {
      this.logger.warn({ topicRegion, region }, "directory entry ignored: not from its home region's topic");
      return;
    }
    const byRegion = this.entries.get(payload.slug) ?? new Map<Region, DirectoryEntry>();
    byRegion.set(payload.region, { slug: payload.slug, region: payload.region, baseUrl: payload.baseUrl });
    this.entries.set(payload.slug, byRegion);
  }

  async onApplicationShutdown() {
    await this.starting;
    await this.consumer?.disconnect().catch(() => undefined);
  }
}
