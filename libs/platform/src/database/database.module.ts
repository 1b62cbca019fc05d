import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntitySchema, type MixedList } from 'typeorm';
import { PLATFORM_CONFIG, type DatabaseConfig, type BaseConfig } from '../config/config';
import { PlatformOutboxInbox1763800000000 } from './platform-migrations';

export interface DatabaseOptions {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: Function[];
}

/**
 * Planner settings for many small concurrent queries on SSD storage: an index lookup costs about as
 * much as a sequential read (the default random_page_cost of 4 makes the planner scan a 100,000-row
 * table instead of looking up the 2,000 rows it needs), and parallel workers only add overhead when
 * every query is small and many run at once (measured in tools/bench caseload: 38 → 234 queries/s).
 */
const OLTP_SETTINGS = '-c random_page_cost=1.1 -c max_parallel_workers_per_gather=0';

/** Builds the service's DataSource: its own role, its own schema, migrations in that schema. */
export function createDataSource(
  config: Pick<DatabaseConfig, 'DATABASE_URL' | 'DATABASE_SCHEMA' | 'DATABASE_POOL_MAX'> &
    Pick<BaseConfig, 'SERVICE_NAME'>,
  options: DatabaseOptions,
): DataSource {
  return new DataSource({
    type: 'postgres',
    url: config.DATABASE_URL,
    schema: config.DATABASE_SCHEMA,
    entities: options.entities,
    migrations: [PlatformOutboxInbox1763800000000, ...options.migrations],
    migrationsTableName: 'migration',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    applicationName: config.SERVICE_NAME,
    extra: {
      max: config.DATABASE_POOL_MAX,
      options: `-c search_path=${config.DATABASE_SCHEMA} ${OLTP_SETTINGS}`,
    },
  });
}

/**
 * Runs the migrations as the schema's owner (DATABASE_OWNER_URL), for a service whose runtime role may not
 * change what it wrote. The runtime role's name is passed to the migrations as the session setting
 * `therapy_room.runtime_role` (read with current_setting), so they can grant or take back its privileges.
 */
async function migrateAsOwner(
  config: DatabaseConfig & BaseConfig & { DATABASE_OWNER_URL?: string },
  options: DatabaseOptions,
): Promise<void> {
  const runtimeRole = decodeURIComponent(new URL(config.DATABASE_URL).username);
  if (!/^[a-z_][a-z0-9_]*$/.test(runtimeRole)) throw new Error('DATABASE_URL: unsafe role name');
  const owner = createDataSource(
    { ...config, DATABASE_URL: config.DATABASE_OWNER_URL!, DATABASE_POOL_MAX: 1 },
    options,
  );
  const extra = owner.options.extra as { options: string };
  extra.options = `${extra.options} -c therapy_room.runtime_role=${runtimeRole}`;
  await owner.initialize();
  try {
    await owner.runMigrations({ transaction: 'each' });
  } finally {
    await owner.destroy();
  }
}

class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}
  async onApplicationShutdown() {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Module({})
export class DatabaseModule {
  static forService(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [
        {
          provide: DataSource,
          inject: [PLATFORM_CONFIG],
          useFactory: async (config: DatabaseConfig & BaseConfig & { DATABASE_OWNER_URL?: string }) => {
            if (config.DATABASE_OWNER_URL) await migrateAsOwner(config, options);
            const dataSource = createDataSource(config, options);
            await dataSource.initialize();
            if (!config.DATABASE_OWNER_URL) await dataSource.runMigrations({ transaction: 'each' });
            return dataSource;
          },
        },
        DataSourceCloser,
      ],
      exports: [DataSource],
    };
  }
}
