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
import { ExportPackager } from '../exports/export-packager';
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
    private readonly packager: ExportPackager,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  async confirmation(contract: EventContract, service: string, message: IncomingMessage) {
    let packed: string | null = null;
    const result = await this.events.handle(contract, message, async (event, manager) => {
      const payload = event.payload as {
        requestId: string;
        counts?: Record<string, number>;
        file?: string;
        sha256?: string;
      };
      try {
        const outcome = await this.saga.confirm(
          manager,
          {
            requestId: payload.requestId,
            service,
            tenantId: event.tenantId,
            subjectId: event.subjectId,
            counts: payload.counts ?? null,
            document: payload.file && payload.sha256 ? { file: payload.file, sha256: payload.sha256 } : null,
          },
          this.clock.now(),
        );
        if (outcome === 'packed') packed = payload.requestId;
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
    // The participants' plaintext documents go once the package is committed (the expiry and the
    // download clean up again, should this process die in between).
    if (packed) {
      await this.packager
        .cleanUp(packed)
        .catch((err: Error) =>
          this.logger.warn({ err, requestId: packed }, 'export documents not removed yet'),
        );
    }
    return result;
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
