import { DataSource, type EntitySchema, type MixedList } from 'typeorm';
import { type DatabaseConfig, type BaseConfig } from '../config/config';
import { PlatformOutboxInbox1763800000000 } from './platform-migrations';
import { postgresConnection } from './tls';

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
    Partial<Pick<DatabaseConfig, 'DATABASE_CA_FILE'>> &
    Pick<BaseConfig, 'SERVICE_NAME'>,
  options: DatabaseOptions,
): DataSource {
  const { connectionString, ssl } = postgresConnection(config.DATABASE_URL, config.DATABASE_CA_FILE);
  return new DataSource({
    type: 'postgres',
    url: connectionString,
    ssl,
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
