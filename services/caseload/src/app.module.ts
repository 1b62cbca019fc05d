import { Module } from '@nestjs/common';
import { PlatformModule } from '@therapy-room/platform';
import { ErasedSubjects1764300000000 } from '@therapy-room/data-protection';
import { PeopleDirectory1763900000050 } from '@therapy-room/people-directory';
import { caseloadConfigShape } from './caseload.config';
import { CaseloadModule } from './caseload.module';
import { CaseloadCore1763900000100 } from './database/migrations/1763900000100-caseload-core';
import { CaseloadActivityOrder1763900000200 } from './database/migrations/1763900000200-caseload-activity-order';
import { CaseloadSettingsAndHistory1763900000300 } from './database/migrations/1763900000300-caseload-settings-and-history';

@Module({
  imports: [
    PlatformModule.forService({
      configShape: caseloadConfigShape,
      database: {
        entities: [],
        migrations: [
          PeopleDirectory1763900000050,
          CaseloadCore1763900000100,
          CaseloadActivityOrder1763900000200,
          CaseloadSettingsAndHistory1763900000300,
          ErasedSubjects1764300000000,
        ],
      },
    }),
    CaseloadModule,
  ],
})
export class AppModule {}
