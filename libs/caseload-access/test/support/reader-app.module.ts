import { Module } from '@nestjs/common';
import { baseConfigShape, databaseConfigShape, PlatformModule } from '@therapy-room/platform';
import { CaseloadAccessModule, CaseloadAccessReadModel1763900000000 } from '@therapy-room/caseload-access';

/**
 * A second service, as content or messaging would be: its own database schema and topic prefix, the
 * platform, and the caseload read model wired in exactly as the lib's index describes. The platform
 * runs PlatformOutboxInbox1763800000000 itself, so only the read model's migration is listed.
 */
@Module({
  imports: [
    PlatformModule.forService({
      configShape: { ...baseConfigShape, ...databaseConfigShape },
      database: { entities: [], migrations: [CaseloadAccessReadModel1763900000000] },
    }),
    CaseloadAccessModule,
  ],
})
export class ReaderAppModule {}
