import { Module } from '@nestjs/common';
import { InternalAuthModule } from '@therapy-room/auth';
import { PeopleDirectoryModule } from '@therapy-room/people-directory';
import { AssignmentsService } from './caseload/assignments.service';
import { CaseloadAuthority } from './caseload/caseload-authority.service';
import { CaseloadController } from './caseload/caseload.controller';
import { CaseloadReadService } from './caseload/caseload-reads.service';
import { CaseloadRepository } from './caseload/caseload.repository';
import { GrantEvents } from './caseload/grant-events';
import { LinksService } from './caseload/links.service';
import { ColleaguesController } from './colleagues/colleagues.controller';
import { ColleaguesRepository } from './colleagues/colleagues.repository';
import { ColleaguesService } from './colleagues/colleagues.service';
import { ClientActivityConsumer } from './people/client-activity.consumer';
import { ClientActivityRepository } from './people/client-activity.repository';
import { subjectRightsParticipant } from '@therapy-room/data-protection';
import { ErasureService } from './erasure/erasure.service';
import { CaseloadSettingsController } from './settings/caseload-settings.controller';
import { CaseloadSettingsRepository } from './settings/caseload-settings.repository';
import { CaseloadSettingsService } from './settings/caseload-settings.service';

const subjectRights = subjectRightsParticipant(ErasureService);

@Module({
  imports: [InternalAuthModule, PeopleDirectoryModule],
  controllers: [
    CaseloadController,
    ColleaguesController,
    CaseloadSettingsController,
    ClientActivityConsumer,
    ...subjectRights.controllers,
  ],
  providers: [
    CaseloadRepository,
    CaseloadAuthority,
    GrantEvents,
    CaseloadReadService,
    AssignmentsService,
    LinksService,
    ColleaguesRepository,
    ColleaguesService,
    CaseloadSettingsRepository,
    CaseloadSettingsService,
    ClientActivityRepository,
    ...subjectRights.providers,
  ],
})
export class CaseloadModule {}
