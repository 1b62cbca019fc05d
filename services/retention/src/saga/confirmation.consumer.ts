import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import {
  contractFor,
  erasureParticipants,
  exportParticipants,
  type EventContract,
} from '@therapy-room/contracts';
import {
  Clock,
  EventConsumer,
  OnEvent,
  PLATFORM_LOGGER,
  PermanentEventError,
  type IncomingMessage,
} from '@therapy-room/platform';
import { ConfirmationMismatchError, SagaService } from './saga.service';

/**
 * Every participant's `<service>.erasure|export.completed.v1`, one handler per contract the registry
 * declares (bound below, at load time): a new participant needs no change here.
 */
@Controller()
export class ConfirmationConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly saga: SagaService,
    private readonly clock: Clock,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  confirmation(contract: EventContract, service: string, message: IncomingMessage) {
    return this.events.handle(contract, message, async (event, manager) => {
      const payload = event.payload as { requestId: string; counts?: Record<string, number> };
      try {
        const outcome = await this.saga.confirm(
          manager,
          {
            requestId: payload.requestId,
            service,
            tenantId: event.tenantId,
            subjectId: event.subjectId,
            counts: payload.counts ?? null,
          },
          this.clock.now(),
        );
        if (outcome === 'unknown') {
          this.logger.info(
            { requestId: payload.requestId, service },
            'confirmation of a request retention never made',
          );
        }
      } catch (err) {
        if (err instanceof ConfirmationMismatchError) throw new PermanentEventError(err.message);
        throw err;
      }
    });
  }
}

for (const { service, topic } of [...erasureParticipants(), ...exportParticipants()]) {
  const contract = contractFor(topic)!;
  const name = `on:${topic}`;
  Object.defineProperty(ConfirmationConsumer.prototype, name, {
    value(this: ConfirmationConsumer, message: IncomingMessage) {
      return this.confirmation(contract, service, message);
    },
    configurable: true,
    writable: true,
  });
  const descriptor = Object.getOwnPropertyDescriptor(ConfirmationConsumer.prototype, name)!;
  OnEvent(contract)(ConfirmationConsumer.prototype, name, descriptor);
  Payload()(ConfirmationConsumer.prototype, name, 0);
}
