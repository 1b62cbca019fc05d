import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { EventContract, PayloadOf, MessageOf } from '@therapy-room/contracts';
import { PLATFORM_CONFIG, type BaseConfig, type DatabaseConfig } from '../config/config';
import { buildEventMessage, type EventMessageOptions } from './event-message';

export type OutboxAddOptions = EventMessageOptions;

export const outboxChannel = (schema: string) => `outbox_${schema}`;
/** Set on a query runner whose transaction wrote to the outbox. */
const OUTBOX_WRITTEN = 'therapyRoomOutboxWritten';
/** Other processes are told at most this often that the outbox has new rows. */
const NOTIFY_COALESCE_MS = 50;

/**
 * Records an event in the same transaction as the domain change. The relay publishes it after commit;
 * services never call the producer themselves.
 */
@Injectable()
export class OutboxService implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly committedListeners = new Set<() => void>();
  private notifyPending?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) private readonly config: BaseConfig & DatabaseConfig,
  ) {
    this.dataSource.subscribers.push({
      afterTransactionCommit: (event) => {
        if (!event.queryRunner.data?.[OUTBOX_WRITTEN]) return;
        event.queryRunner.data = { ...event.queryRunner.data, [OUTBOX_WRITTEN]: false };
        for (const listener of this.committedListeners) listener();
        this.scheduleNotify();
      },
    });
  }

  /** Called after every commit that wrote to the outbox (the relay of this process wakes on it). */
  onCommitted(listener: () => void): () => void {
    this.committedListeners.add(listener);
    return () => this.committedListeners.delete(listener);
  }

  async add<C extends EventContract>(
    manager: EntityManager,
    contract: C,
    payload: PayloadOf<C>,
    options: OutboxAddOptions,
  ): Promise<MessageOf<C>> {
    const [message] = await this.addMany(manager, contract, [{ payload, options }]);
    return message;
  }

  /** Several events of one type in one statement (e.g. an audit entry per client shown in a list). */
  async addMany<C extends EventContract>(
    manager: EntityManager,
    contract: C,
    events: { payload: PayloadOf<C>; options: OutboxAddOptions }[],
  ): Promise<MessageOf<C>[]> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('outbox.add must run inside the transaction of the domain change');
    }
    if (events.length === 0) return [];
    const values: unknown[] = [];
    const rows: string[] = [];
    const messages = events.map(({ payload, options }) => {
      const { message, key, headers } = buildEventMessage(contract, payload, options, this.config.REGION);
      const n = values.length;
      rows.push(`($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5})`);
      values.push(message.id, contract.topic, key, JSON.stringify(message), headers);
      return message;
    });
    await manager.query(
      `INSERT INTO outbox (event_id, topic, message_key, message, headers) VALUES ${rows.join(', ')}`,
      values,
    );
    // No NOTIFY here: inside the transaction it would hold PostgreSQL's notify lock until commit and
    // serialise every writer's commit. The relay is woken after commit instead (see OutboxRelay).
    manager.queryRunner.data = { ...manager.queryRunner.data, [OUTBOX_WRITTEN]: true };
    return messages;
  }

  /** One NOTIFY, outside any business transaction, for a burst of commits: wakes the relays of other processes. */
  private scheduleNotify(): void {
    if (this.notifyPending) return;
    this.notifyPending = setTimeout(() => void this.notifyNow(), NOTIFY_COALESCE_MS);
  }

  private async notifyNow(): Promise<void> {
    clearTimeout(this.notifyPending);
    this.notifyPending = undefined;
    if (!this.dataSource.isInitialized) return;
    await this.dataSource
      .query(`SELECT pg_notify($1, '')`, [outboxChannel(this.config.DATABASE_SCHEMA)])
      .catch(() => undefined);
  }

  /** A pending NOTIFY is sent before the pools close (a CLI's writes wake the service's relay at once). */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.notifyPending) await this.notifyNow();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.notifyPending);
  }
}
