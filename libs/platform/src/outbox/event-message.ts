import { v7 as uuidv7 } from 'uuid';
import type { EventContract, MessageOf, PayloadOf, Region } from '@therapy-room/contracts';
import { currentTraceparent } from '../telemetry/trace-context';

export interface EventMessageOptions {
  tenantId: string;
  /** The person the event is about; also the default partition key so their events stay in order. */
  subjectId?: string | null;
  key?: string;
}

/**
 * One event in its envelope (UUIDv7 id, region, trace context), checked against its contract, with
 * its Kafka key and headers: the one way a message is built, whether it goes through the outbox or
 * (in a process without a database) straight to Kafka.
 */
export function buildEventMessage<C extends EventContract>(
  contract: C,
  payload: PayloadOf<C>,
  options: EventMessageOptions,
  region: Region,
): { message: MessageOf<C>; key: string; headers: Record<string, string> } {
  const message = contract.message.parse({
    id: uuidv7(),
    type: contract.topic,
    occurredAt: new Date().toISOString(),
    tenantId: options.tenantId,
    region,
    subjectId: options.subjectId ?? null,
    traceparent: currentTraceparent() ?? null,
    payload,
  }) as MessageOf<C>;
  const headers: Record<string, string> = {
    'event-id': message.id,
    'event-type': message.type,
    'tenant-id': message.tenantId,
  };
  if (message.traceparent) headers.traceparent = message.traceparent;
  return { message, key: options.key ?? options.subjectId ?? options.tenantId, headers };
}
