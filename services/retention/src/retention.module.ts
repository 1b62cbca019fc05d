import { Module } from '@nestjs/common';
import { InternalAuthModule } from '@therapy-room/auth';
import { CaseloadAccessModule } from '@therapy-room/caseload-access';
import { PeopleDirectoryModule } from '@therapy-room/people-directory';
import { RetentionAudit } from './common/retention-audit';
import { SubjectPseudonym } from './common/subject-pseudonym';
import { PolicyController } from './policy/policy.controller';
import { PolicyRepository } from './policy/policy.repository';
import { PolicyService } from './policy/policy.service';
import { TenantConsumer } from './policy/tenant.consumer';
import { RequestsController } from './requests/requests.controller';
import { RequestsRepository } from './requests/requests.repository';
import { RequestsService } from './requests/requests.service';
import { ApprovalsService } from './requests/approvals.service';
import { CertificateService } from './requests/certificate.service';
import { ClientAccess } from './requests/client-access';
import { LegalHoldController } from './legal-hold/legal-hold.controller';
import { LegalHoldRepository } from './legal-hold/legal-hold.repository';
import { LegalHoldService } from './legal-hold/legal-hold.service';
import { SagaService } from './saga/saga.service';
import { SagaDriver } from './saga/saga-driver';
import { SagaMetrics } from './saga/saga-metrics';
import { ConfirmationConsumer } from './saga/confirmation.consumer';
import { ActivityConsumer } from './activity/activity.consumer';
import { ActivityRepository } from './activity/activity.repository';
import { DownloadsController } from './exports/downloads.controller';
import { DownloadsService } from './exports/downloads.service';
import { ExportPackagesRepository } from './exports/export-packages.repository';
import { ExportPackager } from './exports/export-packager';
import { PackageStore } from './exports/package-store';
import { SweepController } from './expiry/sweep.controller';
import { SweepRepository } from './expiry/sweep.repository';
import { SweepService } from './expiry/sweep.service';

@Module({
  imports: [InternalAuthModule, CaseloadAccessModule, PeopleDirectoryModule],
  controllers: [
    PolicyController,
    RequestsController,
    LegalHoldController,
    DownloadsController,
    SweepController,
    TenantConsumer,
    ConfirmationConsumer,
    ActivityConsumer,
  ],
  providers: [
    RetentionAudit,
    SubjectPseudonym,
    PolicyRepository,
    PolicyService,
    RequestsRepository,
    RequestsService,
    ApprovalsService,
    CertificateService,
    ClientAccess,
    LegalHoldRepository,
    LegalHoldService,
    SagaService,
    SagaDriver,
    SagaMetrics,
    ActivityRepository,
    DownloadsService,
    ExportPackagesRepository,
    ExportPackager,
    PackageStore,
    SweepRepository,
    SweepService,
  ],
  exports: [SagaDriver],
})
export class RetentionModule {}
