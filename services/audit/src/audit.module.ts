import { Module } from '@nestjs/common';
import { InternalAuthModule } from '@therapy-room/auth';
import { PeopleDirectoryModule } from '@therapy-room/people-directory';
import { LogModule } from './log/log.module';
import { IngestConsumer } from './ingest/ingest.consumer';
import { TenantConsumer } from './ingest/tenant.consumer';
import { subjectRightsParticipant } from '@therapy-room/data-protection';
import { ErasureService } from './erasure/erasure.service';
import { VerifyService } from './verify/verify.service';
import { ReadingController } from './reading/reading.controller';
import { ReadingService } from './reading/reading.service';
import { LogRepository } from './reading/log.repository';
import { SweepService } from './retention/sweep.service';
import { RetentionController } from './retention/retention.controller';
import { RetentionSettings } from './retention/retention-settings';
import { OutsideAccessNotices } from './notices/outside-access-notices';

const subjectRights = subjectRightsParticipant(ErasureService);

@Module({
  imports: [LogModule, PeopleDirectoryModule, InternalAuthModule],
  controllers: [
    IngestConsumer,
    TenantConsumer,
    ...subjectRights.controllers,
    ReadingController,
    RetentionController,
  ],
  providers: [
    ...subjectRights.providers,
    VerifyService,
    ReadingService,
    LogRepository,
    SweepService,
    OutsideAccessNotices,
    RetentionSettings,
  ],
  exports: [VerifyService, SweepService],
})
export class AuditModule {}
