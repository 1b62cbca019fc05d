import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PLATFORM_CONFIG, type DatabaseConfig, type BaseConfig } from '../config/config';
import { createDataSource, type DatabaseOptions } from './data-source';
import { runServiceMigrations } from './migrate';

export { createDataSource, type DatabaseOptions } from './data-source';

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
            await runServiceMigrations(config, options);
            const dataSource = createDataSource(config, options);
            await dataSource.initialize();
            return dataSource;
          },
        },
        DataSourceCloser,
      ],
      exports: [DataSource],
    };
  }
}
