import { Module } from '@nestjs/common';
import { InternalAuthModule } from '@therapy-room/auth';
import { CaseloadController } from './caseload/caseload.controller';
import { CaseloadRepository } from './caseload/caseload.repository';
import { CaseloadService } from './caseload/caseload.service';
import { ClientActivityConsumer } from './people/client-activity.consumer';
import { ClientActivityRepository } from './people/client-activity.repository';
import { PeopleDirectoryModule } from '@therapy-room/people-directory';
import { ErasureConsumer } from './erasure/erasure.consumer';
import { ErasureService } from './erasure/erasure.service';

@Module({
  imports: [InternalAuthModule, PeopleDirectoryModule],
  controllers: [CaseloadController, ClientActivityConsumer, ErasureConsumer],
  providers: [CaseloadRepository, CaseloadService, ClientActivityRepository, ErasureService],
})
export class CaseloadModule {}
