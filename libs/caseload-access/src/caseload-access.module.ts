import { Module } from '@nestjs/common';
import { CaseloadAccessConsumer } from './caseload-access.consumer';
import { CaseloadAccessRepository } from './caseload-access.repository';
import { CaseloadAccess } from './caseload-access.service';

/**
 * A local read model of caseload grants for a service that needs to know who may see a client. It
 * takes no options (hence no forRoot): the database, the event consumer and the topic prefix all come
 * from the service's PlatformModule.forService({ ..., database }), which must be imported too.
 */
@Module({
  controllers: [CaseloadAccessConsumer],
  providers: [CaseloadAccessRepository, CaseloadAccess],
  exports: [CaseloadAccess],
})
export class CaseloadAccessModule {}
