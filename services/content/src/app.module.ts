import { Module } from '@nestjs/common';
import { PlatformModule } from '@therapy-room/platform';
import { CaseloadAccessReadModel1763900000000 } from '@therapy-room/caseload-access';
import { ErasedSubjects1764300000000, SubjectDataKeys1763900000200 } from '@therapy-room/data-protection';
import { contentConfigShape } from './content.config';
import { ContentModule } from './content.module';
import { ContentLibrary1764000000100 } from './database/migrations/1764000000100-content-library';
import { ContentClientWork1764000000200 } from './database/migrations/1764000000200-content-client-work';
import { ContentUsageCounts1764000000300 } from './database/migrations/1764000000300-content-usage-counts';
import { ContentClientFeedback1764000000400 } from './database/migrations/1764000000400-content-client-feedback';
import { ContentSealedValues1764300000100 } from './database/migrations/1764300000100-content-sealed-values';

@Module({
  imports: [
    PlatformModule.forService({
      configShape: contentConfigShape,
      database: {
        entities: [],
        migrations: [
          CaseloadAccessReadModel1763900000000,
          SubjectDataKeys1763900000200,
          ContentLibrary1764000000100,
          ContentClientWork1764000000200,
          ContentUsageCounts1764000000300,
          ContentClientFeedback1764000000400,
          ContentSealedValues1764300000100,
          ErasedSubjects1764300000000,
        ],
      },
    }),
    ContentModule,
  ],
})
export class AppModule {}
