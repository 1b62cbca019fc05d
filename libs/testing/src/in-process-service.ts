import type { Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  PLATFORM_LOGGER,
  createKafka,
  createServiceApp,
  provisionTopics,
  stopServiceApp,
} from '@therapy-room/platform';
import { createTestDatabase, serviceEnv, uniqueName, withEnv, type TestDatabase } from './test-infra';

export interface InProcessService {
  app: NestExpressApplication;
  db: TestDatabase;
  /** This file's topic prefix. */
  prefix: string;
  env: Record<string, string>;
  /** Base URL when listening (empty otherwise). */
  url: string;
  stop(): Promise<void>;
}

/**
 * A service's module running in the test process, wired exactly as in production (createServiceApp),
 * on its own database and topic prefix. In-process rather than a child process when a test needs to
 * reach inside (a fake clock, a spy). `consume: false` leaves the Kafka consumers off.
 */
export async function startInProcessService(
  appModule: Type<unknown>,
  service: string,
  options: {
    env?: Record<string, string>;
    consume?: boolean;
    listen?: boolean;
    /** The schema is owned by a separate migration role (DATABASE_OWNER_URL), as audit's is. */
    separateOwner?: boolean;
  } = {},
): Promise<InProcessService> {
  const db = await createTestDatabase();
  const prefix = `${uniqueName('t')}.`;
  const env = serviceEnv(service, {
    ...(await db.provision(service, { separateOwner: options.separateOwner })),
    KAFKA_TOPIC_PREFIX: prefix,
    ...options.env,
  });
  const app = await withEnv(env, () => createServiceApp(appModule));
  const logger = app.get(PLATFORM_LOGGER);
  await provisionTopics(
    createKafka({ clientId: `${service}-admin`, brokers: env.KAFKA_BROKERS.split(','), logger }),
    prefix,
  );
  if (options.consume ?? true) await app.startAllMicroservices();
  let url = '';
  if (options.listen ?? true) {
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  } else {
    await app.init();
  }
  return {
    app,
    db,
    prefix,
    env,
    url,
    async stop() {
      await stopServiceApp(app);
      await db.drop();
    },
  };
}
