import { Module } from '@nestjs/common';
import { PlatformModule } from '@therapy-room/platform';
import { CaseloadAccessReadModel1763900000000 } from '@therapy-room/caseload-access';
import { ErasedSubjects1764300000000, SubjectDataKeys1763900000200 } from '@therapy-room/data-protection';
import { PeopleDirectory1763900000050 } from '@therapy-room/people-directory';
import { messagingConfigShape } from './messaging.config';
import { MessagingModule } from './messaging.module';
import { MessagingCore1764100000100 } from './database/migrations/1764100000100-messaging-core';

@Module({
  imports: [
    PlatformModule.forService({
      configShape: messagingConfigShape,
      database: {
        entities: [],
        migrations: [
          PeopleDirectory1763900000050,
          CaseloadAccessReadModel1763900000000,
          SubjectDataKeys1763900000200,
          MessagingCore1764100000100,
          ErasedSubjects1764300000000,
        ],
      },
    }),
    MessagingModule,
  ],
})
export class AppModule {}
