import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { EventContract, PayloadOf, MessageOf } from '@therapy-room/contracts';
import { PLATFORM_CONFIG, type BaseConfig, type DatabaseConfig } from '../config/config';
import { currentTraceparent } from '../telemetry/trace-context';

export interface OutboxAddOptions {
  tenantId: string;
  /** The person the event is about; also the default partition key so their events stay in order. */
  subjectId?: string | null;
  key?: string;
}

export const outboxChannel = (schema: string) => `outbox_${schema}`;

/**
 * Records an event in the same transaction as the domain change. The relay publishes it after commit;
 * services never call the producer themselves.
 */
@Injectable()
export class OutboxService {
  constructor(@Inject(PLATFORM_CONFIG) private readonly config: BaseConfig & DatabaseConfig) {}

  async add<C extends EventContract>(manager: EntityManager, contract: C, payload: PayloadOf<C>, options: OutboxAddOptions): Promise<MessageOf<C>> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('outbox.add must run inside the transaction of the domain change');
    }
    const message = contract.message.parse({
      id: uuidv7(),
      type: contract.topic,
      occurredAt: new Date().toISOString(),
      tenantId: options.tenantId,
      region: this.config.REGION,
      subjectId: options.subjectId ?? null,
      traceparent: currentTraceparent() ?? null,
      payload,
    }) as MessageOf<C>;
    await manager.query(
      `INSERT INTO outbox (event_id, topic, message_key, message, headers) VALUES ($1, $2, $3, $4, $5)`,
      [message.id, contract.topic, options.key ?? options.subjectId ?? options.tenantId, JSON.stringify(message), {}],
    );
    await manager.query(`SELECT pg_notify($1, '')`, [outboxChannel(this.config.DATABASE_SCHEMA)]);
    return message;
  }
}
