import { DynamicModule, Global, Module, type NestMiddleware, type Provider, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { RequestHandler } from 'express';
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
import { AuditedAccess } from './audit/audited-access';
import { Clock, SystemClock } from './clock/clock';
import { OpenApiController } from './openapi/openapi.controller';

export interface ServiceOptions<S extends z.ZodRawShape> {
  /** The service's environment: baseConfigShape plus its own variables. */
  configShape: S & typeof baseConfigShape;
  /** Services that own data: entities and migrations. Enables outbox, relay and inbox. */
  database?: DatabaseOptions;
  /**
   * Express middleware for every request, run before the body is parsed and before routing (e.g. the
   * gateway's security headers and path check), so that body-parser errors and 404s pass through them.
   * A Nest middleware class (one of the module's providers) stands for its instance's `use`, for a
   * middleware that needs injected dependencies.
   */
  httpMiddleware?: HttpMiddleware[];
  /** Where log lines go instead of stdout/stderr (tests read them). */
  logDestination?: pino.DestinationStream;
  /**
   * Serve the routes' OpenAPI fragment at GET /openapi.json (default true): internal services do, for
   * the gateway to assemble the public document; the gateway, listening in public, does not.
   */
  openApiFragment?: boolean;
}

/** A function, or a Nest middleware class provided by the service's module. */
export type HttpMiddleware = RequestHandler | Type<NestMiddleware>;

/** The service's `httpMiddleware` (createServiceApp installs it ahead of the body parser). */
export const PLATFORM_HTTP_MIDDLEWARE = Symbol('PLATFORM_HTTP_MIDDLEWARE');

@Global()
@Module({})
class PlatformCoreModule {
  static forService(configShape: z.ZodRawShape, logDestination?: pino.DestinationStream): DynamicModule {
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
            destination: logDestination ?? (config.LOG_STREAM === 'stderr' ? pino.destination(2) : undefined),
          }),
      },
      // One clock for every decision that depends on the time; tests override it.
      { provide: Clock, useClass: SystemClock },
    ];
    return { module: PlatformCoreModule, providers, exports: providers };
  }
}

/**
 * Everything a service gets from the platform: config, clock, logging, Kafka, database, outbox, inbox,
 * audit, health, and its routes' OpenAPI fragment (GET /openapi.json).
 */
@Module({})
export class PlatformModule {
  static forService<S extends z.ZodRawShape>(options: ServiceOptions<S>): DynamicModule {
    const imports = [
      PlatformCoreModule.forService(options.configShape, options.logDestination),
      KafkaModule,
      // The health controller logs readiness itself (starting is not an error).
      TerminusModule.forRoot({ logger: false }),
    ];
    const providers: Provider[] = [
      EventConsumer,
      KafkaReachability,
      Metrics,
      KafkaMetrics,
      { provide: PLATFORM_HTTP_MIDDLEWARE, useValue: options.httpMiddleware ?? [] },
    ];
    if (options.database) {
      imports.push(DatabaseModule.forService(options.database));
      providers.push(OutboxService, OutboxRelay, InboxPruner, AuditEmitter, AuditedAccess, OutboxMetrics);
    }
    return {
      module: PlatformModule,
      global: true,
      imports,
      controllers: [HealthController, ...(options.openApiFragment === false ? [] : [OpenApiController])],
      providers,
      exports: providers,
    };
  }
}
