import { Inject, Injectable, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import type { Message } from 'kafkajs';
import type { Logger } from 'pino';
import { PLATFORM_CONFIG, type BaseConfig, type DatabaseConfig } from '../config/config';
import { PLATFORM_LOGGER } from '../logging/logger.module';
import { KafkaProducer } from '../kafka/kafka.module';
import { prefixed } from '../kafka/kafka-client';
import { OutboxService, outboxChannel } from './outbox.service';
import { isKafkaUnavailable } from '../kafka/kafka-errors';

interface OutboxRow {
  seq: string;
  event_id: string;
  topic: string;
  message_key: string;
  message: string;
  headers: Record<string, string>;
  attempts: number;
}

/** The rows from the front of a claimed batch whose messages fit in `maxBytes` (at least the first). */
export function withinBytes<R extends { message: string }>(rows: R[], maxBytes: number): R[] {
  let bytes = 0;
  let count = 0;
  for (const row of rows) {
    bytes += Buffer.byteLength(row.message);
    if (count > 0 && bytes > maxBytes) break;
    count += 1;
    if (bytes > maxBytes) break;
  }
  return rows.slice(0, count);
}

/** How long shutdown waits for the batch in flight; what is left stays in the outbox for the next start. */
const DRAIN_ON_SHUTDOWN_MS = 10_000;

export interface RelayStats {
  published: number;
  failedAttempts: number;
  parked: number;
}

/**
 * Publishes committed outbox rows to Kafka. It wakes when this process commits an outbox write, on
 * NOTIFY from other processes (OutboxService sends one after commit), and by polling as the
 * fallback when the listen connection is lost. It claims batches with FOR UPDATE SKIP LOCKED so replicas can share the table,
 * sends each batch (at most OUTBOX_BATCH_BYTES of messages; a larger row alone) in one request,
 * deletes what was published, and parks a row after
 * OUTBOX_MAX_ATTEMPTS failures of its own. Kafka being down is not a row's failure: the relay backs
 * off and no attempt is counted.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly stats: RelayStats = { published: 0, failedAttempts: 0, parked: 0 };
  private listener?: Client;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private wakeAgain = false;
  private stopped = false;
  private backoffUntil = 0;
  private unsubscribe?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly producer: KafkaProducer,
    @Inject(PLATFORM_CONFIG) private readonly config: BaseConfig & DatabaseConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap() {
    if (!this.config.OUTBOX_RELAY_ENABLED) return;
    this.stopped = false;
    this.unsubscribe = this.outbox.onCommitted(() => this.wake());
    await this.listen();
    this.timer = setInterval(() => this.wake(), this.config.OUTBOX_POLL_INTERVAL_MS);
    this.timer.unref();
    this.wake();
  }

  /** Stops taking new work, waits for the batch in flight, and releases the listen connection. */
  async beforeApplicationShutdown() {
    this.stopped = true;
    this.unsubscribe?.();
    clearInterval(this.timer);
    if (this.running) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_ON_SHUTDOWN_MS)));
      await Promise.race([this.running, timedOut]);
      clearTimeout(timer);
    }
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeAgain = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.wakeAgain && !this.stopped) {
        this.wakeAgain = false;
        this.wake();
      }
    });
  }

  /** Publishes until the outbox has nothing due; resolves when idle. Exposed for tests and tools. */
  async drain(): Promise<void> {
    while (!this.stopped && Date.now() >= this.backoffUntil) {
      const sent = await this.publishBatch().catch((err) => {
        this.logger.error({ err }, 'outbox relay batch failed');
        return 0;
      });
      if (sent === 0) return;
    }
  }

  private async listen() {
    const client = new Client({
      connectionString: this.config.DATABASE_URL,
      application_name: `${this.config.SERVICE_NAME}-outbox`,
    });
    client.on('notification', () => this.wake());
    client.on('error', (err) => {
      this.logger.warn({ err }, 'outbox listen connection lost; polling until it is back');
      if (this.listener === client) this.listener = undefined;
      setTimeout(() => !this.stopped && this.listen().catch(() => undefined), 1000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${outboxChannel(this.config.DATABASE_SCHEMA)}`);
    this.listener = client;
  }

  /** One claimed batch: returns how many rows left the outbox (published or parked). */
  private async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const claimed: OutboxRow[] = await manager.query(
        `SELECT seq, event_id, topic, message_key, message, headers, attempts FROM outbox
          WHERE parked_at IS NULL AND next_attempt_at <= now()
          ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.config.OUTBOX_BATCH_SIZE],
      );
      if (claimed.length === 0) return 0;
      const rows = withinBytes(claimed, this.config.OUTBOX_BATCH_BYTES);
      // A row over the cap is sent alone: its failure is its own attempt, no other row is sent twice.
      if (rows.length === 1 && claimed.length > 1) return this.sendOneByOne(manager, rows);
      try {
        await this.send(rows);
        await manager.query(`DELETE FROM outbox WHERE seq = ANY($1::bigint[])`, [rows.map((r) => r.seq)]);
        this.stats.published += rows.length;
        return rows.length;
      } catch (err) {
        if (isKafkaUnavailable(err)) return this.backOff(err);
        await this.producer.reset();
        return this.sendOneByOne(manager, rows);
      }
    });
  }

  /** After a batch failed for a reason other than an outage: find the rows that fail on their own. */
  private async sendOneByOne(manager: EntityManager, rows: OutboxRow[]): Promise<number> {
    let done = 0;
    for (const row of rows) {
      try {
        await this.send([row]);
        await manager.query(`DELETE FROM outbox WHERE seq = $1`, [row.seq]);
        this.stats.published += 1;
        done += 1;
      } catch (err) {
        if (isKafkaUnavailable(err)) return done + this.backOff(err);
        const attempts = row.attempts + 1;
        const park = attempts >= this.config.OUTBOX_MAX_ATTEMPTS;
        await manager.query(
          `UPDATE outbox SET attempts = $2, last_error = $3,
              next_attempt_at = now() + make_interval(secs => $4), parked_at = CASE WHEN $5 THEN now() END
            WHERE seq = $1`,
          [
            row.seq,
            attempts,
            String((err as Error).message ?? err).slice(0, 1000),
            Math.min(2 ** attempts, 300),
            park,
          ],
        );
        this.stats.failedAttempts += 1;
        if (park) {
          this.stats.parked += 1;
          this.logger.error(
            { eventId: row.event_id, topic: row.topic, attempts },
            'outbox row parked after repeated failures',
          );
          done += 1;
        }
      }
    }
    return done;
  }

  private backOff(err: unknown): number {
    this.backoffUntil = Date.now() + Math.max(this.config.OUTBOX_POLL_INTERVAL_MS, 1000);
    this.logger.warn(
      { err: { message: (err as Error).message } },
      'Kafka unavailable; outbox relay backs off',
    );
    void this.producer.reset();
    return 0;
  }

  private async send(rows: OutboxRow[]) {
    const byTopic = new Map<string, Message[]>();
    for (const row of rows) {
      const headers = { ...row.headers, 'event-id': row.event_id };
      const topic = prefixed(this.config.KAFKA_TOPIC_PREFIX, row.topic);
      const list = byTopic.get(topic) ?? [];
      list.push({ key: row.message_key, value: row.message, headers });
      byTopic.set(topic, list);
    }
    const producer = await this.producer.get();
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }
}
