import { Module } from '@nestjs/common';
import { InternalAuthModule } from '@therapy-room/auth';
import { CaseloadAccessModule } from '@therapy-room/caseload-access';
import { DataProtectionModule, subjectRightsParticipant } from '@therapy-room/data-protection';
import { SealedValues } from './common/sealed-values';
import { LegacyValueSealer } from './common/legacy-value-sealer';
import { LibraryController } from './library/library.controller';
import { LibraryRepository } from './library/library.repository';
import { LibraryService } from './library/library.service';
import { AssignmentsController } from './assignments/assignments.controller';
import { AssignmentsRepository } from './assignments/assignments.repository';
import { AssignmentsService } from './assignments/assignments.service';
import { ClientAccess } from './assignments/client-access.service';
import { WorkController } from './work/work.controller';
import { WorkRepository } from './work/work.repository';
import { CareTeamWorkService } from './work/care-team-work.service';
import { ClientWorkService } from './work/client-work.service';
import { WorkReadingService } from './work/work-reading.service';
import { ReportsController } from './reports/reports.controller';
import { ReportsRepository } from './reports/reports.repository';
import { ReportsService } from './reports/reports.service';
import { SharingController } from './sharing/sharing.controller';
import { SharedReportController } from './sharing/shared-report.controller';
import { SharingRepository } from './sharing/sharing.repository';
import { SharingService } from './sharing/sharing.service';
import { UsageConsumer } from './usage/usage.consumer';
import { UsageController } from './usage/usage.controller';
import { UsageRepository } from './usage/usage.repository';
import { UsageService } from './usage/usage.service';
import { ErasureRepository } from './erasure/erasure.repository';
import { ErasureService } from './erasure/erasure.service';

const subjectRights = subjectRightsParticipant(ErasureService);

@Module({
  imports: [InternalAuthModule, CaseloadAccessModule, DataProtectionModule],
  controllers: [
    LibraryController,
    AssignmentsController,
    WorkController,
    ReportsController,
    SharingController,
    SharedReportController,
    UsageController,
    UsageConsumer,
    ...subjectRights.controllers,
  ],
  providers: [
    SealedValues,
    LegacyValueSealer,
    LibraryRepository,
    LibraryService,
    AssignmentsRepository,
    AssignmentsService,
    ClientAccess,
    WorkRepository,
    WorkReadingService,
    ClientWorkService,
    CareTeamWorkService,
    ReportsRepository,
    ReportsService,
    SharingRepository,
    SharingService,
    UsageRepository,
    UsageService,
    ErasureRepository,
    ...subjectRights.providers,
  ],
})
export class ContentModule {}
