import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { dlqTopic, type EventContract, type MessageOf } from '@therapy-room/contracts';
import { PLATFORM_CONFIG, type BaseConfig } from '../config/config';
import { PLATFORM_LOGGER } from '../logging/logger.module';
import { Metrics } from '../metrics/metrics';
import { KafkaProducer } from '../kafka/kafka.module';
import { prefixed } from '../kafka/kafka-client';
import { requestContext } from '../context/request-context';
import { withConsumerSpan } from '../telemetry/trace-context';
import { safeErrorMessage } from '../logging/error-serializer';
import { isDatabaseUnavailable } from './database-unavailable';
import type { IncomingMessage } from './kafka-server';

/** Thrown by a handler for an event that can never succeed (retrying would not help): it goes to the DLQ. */
export class PermanentEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentEventError';
  }
}

/** Messages whose failed attempts are remembered at once (a handful per partition in practice). */
const MAX_TRACKED_MESSAGES = 10_000;

export type HandleResult = 'handled' | 'duplicate' | 'dead-lettered';

const headerString = (value: unknown): string | undefined =>
  value === undefined || value === null
    ? undefined
    : Buffer.isBuffer(value)
      ? value.toString('utf8')
      : String(value);

/**
 * The one way a service handles an event: parse and validate against the contract (failures go to
 * `<topic>.dlq` with the reason and consumption goes on), refuse other regions' events, restore trace
 * and request context, then run the effect in a transaction that also records the event id in the
 * inbox, so a redelivered event has no second effect. Transient errors are thrown, so the transport
 * does not commit the offset and the event is retried, up to EVENT_MAX_ATTEMPTS times in this process;
 * then it goes to the DLQ with the last error as the reason, and the partition moves on.
 */
@Injectable()
export class EventConsumer {
  /** Failed attempts per message (topic/partition/offset) in this process; forgotten once it is handled. */
  private readonly attempts = new Map<string, number>();

  constructor(
    private readonly producer: KafkaProducer,
    @Inject(PLATFORM_CONFIG) private readonly config: BaseConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
    @Optional() private readonly dataSource?: DataSource,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  /** For effects on the service's database: exactly one effect per event id (inbox). */
  handle<C extends EventContract>(
    contract: C,
    message: IncomingMessage,
    effect: (event: MessageOf<C>, manager: EntityManager) => Promise<void>,
  ): Promise<HandleResult> {
    const dataSource = this.dataSource;
    if (!dataSource)
      throw new Error(
        'EventConsumer.handle needs the service database; use handleIdempotent for effects without one',
      );
    return this.receive(contract, message, async (event) => {
      const handled = await dataSource.transaction(async (manager) => {
        const inserted: unknown[] = await manager.query(
          `INSERT INTO inbox (event_id, topic) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
          [event.id, contract.topic],
        );
        if (inserted.length === 0) return false;
        await effect(event, manager);
        return true;
      });
      return handled ? 'handled' : 'duplicate';
    });
  }

  /** For effects that are idempotent by nature and need no database (e.g. dropping a cache entry). */
  handleIdempotent<C extends EventContract>(
    contract: C,
    message: IncomingMessage,
    effect: (event: MessageOf<C>) => Promise<void> | void,
  ): Promise<HandleResult> {
    return this.receive(contract, message, async (event) => {
      await effect(event);
      return 'handled';
    });
  }

  /**
   * For effects on the service's database whose cost is per transaction (the audit log's hash chain):
   * the messages of one partition handled in one transaction, with one inbox statement, the effect
   * receiving every event not seen before (in message order; each event id once). Invalid messages and
   * other regions' events go to the DLQ first, as in `handle`. Should the batch's transaction fail, each
   * message is handled on its own with `handle` (same effect, one event at a time), so that one bad
   * event is retried, counted and dead-lettered alone. `committed` runs after each transaction that
   * committed, with what the effect answered.
   */
  async handleBatch<C extends EventContract, T>(
    contract: C,
    messages: IncomingMessage[],
    effect: (events: MessageOf<C>[], manager: EntityManager) => Promise<T>,
    committed: (value: T) => void = () => undefined,
  ): Promise<void> {
    const dataSource = this.dataSource;
    if (!dataSource) throw new Error('EventConsumer.handleBatch needs the service database');
    const accepted: { message: IncomingMessage; event: MessageOf<C> }[] = [];
    for (const message of messages) {
      const outcome = await this.accept(contract, message);
      if ('event' in outcome) accepted.push({ message, event: outcome.event });
    }
    if (accepted.length === 0) return;
    const first = accepted[0].event;
    try {
      const value = await withConsumerSpan(
        contract.topic,
        headerString(accepted[0].message.headers?.traceparent),
        {
          'messaging.kafka.partition': String(accepted[0].message.partition),
          'messaging.kafka.offset': accepted[0].message.offset,
          'messaging.batch.message_count': String(accepted.length),
        },
        () =>
          requestContext.run(
            { requestId: first.id, eventId: first.id, tenantId: first.tenantId, sourceAddress: '::' },
            () =>
              dataSource.transaction(async (manager) => {
                const inserted: { event_id: string }[] = await manager.query(
                  `INSERT INTO inbox (event_id, topic) SELECT DISTINCT unnest($1::uuid[]), $2
                   ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
                  [accepted.map((a) => a.event.id), contract.topic],
                );
                const fresh = new Set(inserted.map((r) => r.event_id.toLowerCase()));
                const events = accepted.map((a) => a.event).filter((e) => fresh.delete(e.id.toLowerCase()));
                return {
                  handled: events.length > 0,
                  value: events.length ? await effect(events, manager) : null,
                };
              }),
          ),
      );
      for (const { message } of accepted)
        this.attempts.delete(`${message.topic}/${message.partition}/${message.offset}`);
      if (value.handled) committed(value.value as T);
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        this.logger.warn({ err, topic: contract.topic }, 'database unavailable; batch will be retried');
        throw err;
      }
      this.logger.warn(
        { err, topic: contract.topic, events: accepted.length },
        'batch handling failed; handling its events one at a time',
      );
      for (const { message } of accepted) {
        let value: T | undefined;
        const result = await this.handle(contract, message, async (event, manager) => {
          value = await effect([event], manager);
        });
        if (result === 'handled') committed(value as T);
      }
    }
  }

  private async receive<C extends EventContract>(
    contract: C,
    message: IncomingMessage,
    run: (event: MessageOf<C>) => Promise<HandleResult>,
  ): Promise<HandleResult> {
    const headers = message.headers ?? {};
    const traceparent = headerString(headers.traceparent);
    return withConsumerSpan(
      contract.topic,
      traceparent,
      { 'messaging.kafka.partition': String(message.partition), 'messaging.kafka.offset': message.offset },
      async () => {
        const accepted = await this.accept(contract, message);
        if ('result' in accepted) return accepted.result;
        const event = accepted.event;
        return requestContext.run(
          // No client started this work: audit entries it records name the unspecified address.
          { requestId: event.id, eventId: event.id, tenantId: event.tenantId, sourceAddress: '::' },
          async () => {
            const where = `${message.topic}/${message.partition}/${message.offset}`;
            try {
              const result = await run(event);
              this.attempts.delete(where);
              return result;
            } catch (err) {
              if (err instanceof PermanentEventError)
                return this.deadLetter(contract, message, err.message, 'permanent');
              // The database being away says nothing about the event: retried, not counted.
              if (isDatabaseUnavailable(err)) {
                this.logger.warn(
                  { err, topic: contract.topic, eventId: event.id },
                  'database unavailable; event will be retried',
                );
                throw err;
              }
              const attempts = this.countAttempt(where);
              if (attempts >= this.config.EVENT_MAX_ATTEMPTS) {
                this.attempts.delete(where);
                // A database error is named by its SQLSTATE, never its message (which can echo a value).
                const cause = err instanceof Error ? safeErrorMessage(err) : 'a non-error was thrown';
                return this.deadLetter(
                  contract,
                  message,
                  `failed ${attempts} times, last: ${cause}`,
                  'attempts-exhausted',
                );
              }
              this.logger.warn(
                { err, topic: contract.topic, eventId: event.id, attempts },
                'event handling failed; it will be retried',
              );
              throw err;
            }
          },
        );
      },
    );
  }

  /** The message as a valid event of this region, or what became of it (dead-lettered). */
  private async accept<C extends EventContract>(
    contract: C,
    message: IncomingMessage,
  ): Promise<{ event: MessageOf<C> } | { result: HandleResult }> {
    let body: unknown;
    try {
      body = JSON.parse(message.value?.toString('utf8') ?? '');
    } catch {
      return { result: await this.deadLetter(contract, message, 'value is not valid JSON', 'not-json') };
    }
    const parsed = contract.message.safeParse(body);
    if (!parsed.success) {
      const reason = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      return {
        result: await this.deadLetter(
          contract,
          message,
          `does not match ${contract.topic}: ${reason}`,
          'invalid',
        ),
      };
    }
    const event = parsed.data as MessageOf<C>;
    if (event.region !== this.config.REGION) {
      return {
        result: await this.deadLetter(
          contract,
          message,
          `event of region ${event.region} refused by region ${this.config.REGION}`,
          'other-region',
        ),
      };
    }
    return { event };
  }

  private countAttempt(where: string): number {
    const attempts = (this.attempts.get(where) ?? 0) + 1;
    this.attempts.delete(where);
    this.attempts.set(where, attempts);
    // Messages that stopped failing elsewhere (another replica took the partition) are forgotten oldest first.
    if (this.attempts.size > MAX_TRACKED_MESSAGES) this.attempts.delete(this.attempts.keys().next().value!);
    return attempts;
  }

  private async deadLetter(
    contract: EventContract,
    message: IncomingMessage,
    reason: string,
    /** For the metric: the kind of reason (the reason itself is free text). */
    kind: 'not-json' | 'invalid' | 'other-region' | 'permanent' | 'attempts-exhausted',
  ): Promise<HandleResult> {
    const producer = await this.producer.get();
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(message.headers ?? {})) {
      const text = headerString(value);
      if (text !== undefined) headers[key] = text;
    }
    await producer.send({
      topic: prefixed(this.config.KAFKA_TOPIC_PREFIX, dlqTopic(contract.topic)),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...headers,
            'dlq-reason': reason.slice(0, 2000),
            'dlq-original-topic': message.topic,
            'dlq-original-partition': String(message.partition),
            'dlq-original-offset': message.offset,
            'dlq-service': this.config.SERVICE_NAME,
          },
        },
      ],
    });
    this.logger.warn(
      { topic: contract.topic, partition: message.partition, offset: message.offset, reason },
      'event sent to DLQ',
    );
    this.metrics?.deadLettered.inc({ topic: contract.topic, reason: kind });
    return 'dead-lettered';
  }
}
