import { Module } from '@nestjs/common';
import { PeopleDirectoryModule } from '@therapy-room/people-directory';
import { LogModule } from './log/log.module';
import { IngestConsumer } from './ingest/ingest.consumer';
import { TenantConsumer } from './ingest/tenant.consumer';
import { ErasureConsumer } from './erasure/erasure.consumer';
import { ErasureService } from './erasure/erasure.service';
import { VerifyService } from './verify/verify.service';

@Module({
  imports: [LogModule, PeopleDirectoryModule],
  controllers: [IngestConsumer, TenantConsumer, ErasureConsumer],
  providers: [ErasureService, VerifyService],
  exports: [VerifyService],
})
export class AuditModule {}
