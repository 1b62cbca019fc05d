import { Module } from '@nestjs/common';
import { PlatformModule } from '@therapy-room/platform';
import { PeopleDirectory1763900000050 } from '@therapy-room/people-directory';
import { CaseloadAccessReadModel1763900000000 } from '@therapy-room/caseload-access';
import { retentionConfigShape } from './retention.config';
import { RetentionModule } from './retention.module';
import { RetentionCore1764300000100 } from './database/migrations/1764300000100-retention-core';
import { ExportPackage1764300000200 } from './database/migrations/1764300000200-export-package';
import { SweepCursor1764300000300 } from './database/migrations/1764300000300-sweep-cursor';

@Module({
  imports: [
    PlatformModule.forService({
      configShape: retentionConfigShape,
      database: {
        entities: [],
        migrations: [
          CaseloadAccessReadModel1763900000000,
          PeopleDirectory1763900000050,
          RetentionCore1764300000100,
          ExportPackage1764300000200,
          SweepCursor1764300000300,
        ],
      },
    }),
    RetentionModule,
  ],
})
export class AppModule {}
