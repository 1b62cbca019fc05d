import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { INestApplication, NestMiddleware, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { PLATFORM_CONFIG, ConfigError, type BaseConfig } from './config/config';
import { trustProxyFunction, trustedProxies } from './config/trusted-proxies';
import { PLATFORM_LOGGER } from './logging/logger.module';
import { PLATFORM_HTTP_MIDDLEWARE, type HttpMiddleware } from './platform.module';
import { PinoNestLogger } from './logging/logger';
import { ProblemExceptionFilter } from './errors/problem-exception.filter';
import { jsonBody } from './errors/json-body';
import { refuseUnstorableText } from './errors/storable-text';
import { requestContext } from './context/request-context';
import { PlatformKafkaServer } from './inbox/kafka-server';
import { createKafka, kafkaConnection, kafkaLogCreator, provisionTopics } from './kafka/kafka-client';
import { stopTelemetry } from './telemetry/telemetry';
import { Metrics } from './metrics/metrics';
import { httpMetrics } from './metrics/http-metrics';
import { KafkaMetrics } from './metrics/kafka-metrics';

const requestIdPattern = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Builds a service's Nest application with the platform's HTTP conventions (strict JSON with a size
 * limit, problem+json errors, request context, request log without bodies) and its Kafka consumer.
 * Used by `bootstrap` and by tests, so both run the same wiring.
 */
export async function createServiceApp(appModule: Type<unknown>): Promise<NestExpressApplication> {
  // Nest's own logger stays off until pino takes over: a failed start is reported once, without a stack.
  const app = await NestFactory.create<NestExpressApplication>(appModule, {
    bodyParser: false,
    logger: false,
    abortOnError: false,
  });
  const config = app.get<BaseConfig>(PLATFORM_CONFIG);
  const logger = app.get<Logger>(PLATFORM_LOGGER);
  app.useLogger(new PinoNestLogger(logger));
  app.disable('x-powered-by');
  // No ETag: Express would hash every answer's body (SHA-1) to make one, but nothing is revalidated —
  // the gateway answers every request `Cache-Control: no-store` and does not pass the services' ETags on.
  app.disable('etag');
  // Only the configured proxies may say who the client is (X-Forwarded-For, walked from the right).
  app.set('trust proxy', trustProxyFunction(trustedProxies(config)));
  app.use((req: Request, res: Response, next: NextFunction) => {
    const incoming = req.header('x-request-id');
    const requestId = incoming && requestIdPattern.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      if (req.path.startsWith('/health')) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        {
          requestId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
        },
        'request',
      );
    });
    requestContext.run({ requestId, sourceAddress: req.ip }, next);
  });
  app.use(httpMetrics(app.get(Metrics)));
  for (const middleware of app.get<HttpMiddleware[]>(PLATFORM_HTTP_MIDDLEWARE)) {
    if (isMiddlewareClass(middleware)) {
      const instance = app.get(middleware);
      app.use((req: Request, res: Response, next: NextFunction) => instance.use(req, res, next));
    } else app.use(middleware);
  }
  app.use(jsonBody(config.BODY_LIMIT_BYTES));
  app.use(refuseUnstorableText);
  app.useGlobalFilters(new ProblemExceptionFilter(logger));
  const kafkaServer = new PlatformKafkaServer(
    {
      client: {
        clientId: `${config.KAFKA_CLIENT_ID ?? config.SERVICE_NAME}-consumer`,
        ...kafkaConnection(config),
        logLevel: 1,
        // Through pino and its error serializer, not Nest's logger (which prints errors whole).
        logCreator: kafkaLogCreator(logger),
      },
      consumer: {
        groupId: config.KAFKA_CONSUMER_GROUP ?? `${config.KAFKA_TOPIC_PREFIX}${config.SERVICE_NAME}`,
        allowAutoTopicCreation: false,
      },
    },
    config.KAFKA_TOPIC_PREFIX,
    config.KAFKA_PARTITIONS_CONCURRENCY,
  );
  app.connectMicroservice({ strategy: kafkaServer }, { inheritAppConfig: true });
  app.get(KafkaMetrics).watchConsumers(kafkaServer);
  return app;
}

/** Graceful stop: stop consuming first, then Nest's hooks drain the relay and close pools. */
export async function stopServiceApp(app: INestApplication): Promise<void> {
  for (const microservice of app.getMicroservices()) await microservice.close();
  await app.close();
}

/** Entry of every service process: build, provision topics, start consuming, listen, stop on signals. */
export async function bootstrap(appModule: Type<unknown>): Promise<INestApplication> {
  let app: NestExpressApplication;
  try {
    app = await createServiceApp(appModule);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const config = app.get<BaseConfig>(PLATFORM_CONFIG);
  const logger = app.get<Logger>(PLATFORM_LOGGER);
  if (config.KAFKA_PROVISION_TOPICS) {
    await provisionTopics(
      createKafka({ clientId: `${config.SERVICE_NAME}-admin`, ...kafkaConnection(config), logger }),
      config.KAFKA_TOPIC_PREFIX,
    );
  }
  await app.startAllMicroservices();
  await app.listen(config.PORT, config.HOST);
  const metricsPort = await app.get(Metrics).listen(config.HOST);
  const address = app.getHttpServer().address();
  logger.info(
    {
      port: typeof address === 'object' && address ? address.port : config.PORT,
      metricsPort,
      region: config.REGION,
    },
    `${config.SERVICE_NAME} listening`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await stopServiceApp(app);
    await stopTelemetry();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  return app;
}

/** A Nest middleware class (its prototype has `use`), as opposed to a plain request handler. */
function isMiddlewareClass(middleware: HttpMiddleware): middleware is Type<NestMiddleware> {
  return typeof (middleware.prototype as { use?: unknown } | undefined)?.use === 'function';
}
