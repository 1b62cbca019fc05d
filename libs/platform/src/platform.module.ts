import { DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { z } from 'zod';
import pino from 'pino';
import { PLATFORM_CONFIG, baseConfigShape, loadConfig, secretKeys, type BaseConfig } from './config/config';
import { PLATFORM_LOGGER } from './logging/logger.module';
import { createLogger } from './logging/logger';
import { KafkaModule } from './kafka/kafka.module';
import { DatabaseModule, type DatabaseOptions } from './database/database.module';
import { HealthController } from './health/health.controller';
import { KafkaReachability } from './health/kafka-reachability';
import { Metrics } from './metrics/metrics';
import { KafkaMetrics } from './metrics/kafka-metrics';
import { OutboxMetrics } from './metrics/outbox-metrics';
import { OutboxService } from './outbox/outbox.service';
import { OutboxRelay } from './outbox/outbox-relay';
import { EventConsumer } from './inbox/event-consumer';
import { InboxPruner } from './inbox/inbox-pruner';
import { AuditEmitter } from './audit/audit-emitter';

export interface ServiceOptions<S extends z.ZodRawShape> {
  /** The service's environment: baseConfigShape plus its own variables. */
  configShape: S & typeof baseConfigShape;
  /** Services that own data: entities and migrations. Enables outbox, relay and inbox. */
  database?: DatabaseOptions;
}

@Global()
@Module({})
class PlatformCoreModule {
  static forService(configShape: z.ZodRawShape): DynamicModule {
    const providers: Provider[] = [
      { provide: PLATFORM_CONFIG, useFactory: () => loadConfig(configShape) },
      {
        provide: PLATFORM_LOGGER,
        inject: [PLATFORM_CONFIG],
        useFactory: (config: BaseConfig) =>
          createLogger({
            service: config.SERVICE_NAME,
            level: config.LOG_LEVEL,
            extraRedact: secretKeys(configShape),
            destination: config.LOG_STREAM === 'stderr' ? pino.destination(2) : undefined,
          }),
      },
    ];
    return { module: PlatformCoreModule, providers, exports: providers };
  }
}

/** Everything a service gets from the platform: config, logging, Kafka, database, outbox, inbox, audit, health. */
@Module({})
export class PlatformModule {
  static forService<S extends z.ZodRawShape>(options: ServiceOptions<S>): DynamicModule {
    const imports = [PlatformCoreModule.forService(options.configShape), KafkaModule, TerminusModule];
    const providers: Provider[] = [EventConsumer, KafkaReachability, Metrics, KafkaMetrics];
    if (options.database) {
      imports.push(DatabaseModule.forService(options.database));
      providers.push(OutboxService, OutboxRelay, InboxPruner, AuditEmitter, OutboxMetrics);
    }
    return {
      module: PlatformModule,
      global: true,
      imports,
      controllers: [HealthController],
      providers,
      exports: providers,
    };
  }
}
