import { Module } from '@nestjs/common';
import { InternalAuthModule } from '@therapy-room/auth';
import { CaseloadController } from './caseload/caseload.controller';
import { CaseloadRepository } from './caseload/caseload.repository';
import { CaseloadService } from './caseload/caseload.service';
import { PeopleConsumer } from './people/people.consumer';
import { PeopleRepository } from './people/people.repository';
import { ErasureConsumer } from './erasure/erasure.consumer';
import { ErasureService } from './erasure/erasure.service';

@Module({
  imports: [InternalAuthModule],
  controllers: [CaseloadController, PeopleConsumer, ErasureConsumer],
  providers: [CaseloadRepository, CaseloadService, PeopleRepository, ErasureService],
})
export class CaseloadModule {}
