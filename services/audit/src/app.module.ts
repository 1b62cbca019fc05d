import { Module } from '@nestjs/common';
import { PlatformModule } from '@therapy-room/platform';
import { ErasedSubjects1764300000000 } from '@therapy-room/data-protection';
import { PeopleDirectory1763900000050 } from '@therapy-room/people-directory';
import { auditConfigShape } from './audit.config';
import { AuditModule } from './audit.module';
import { AuditLog1764200000100 } from './database/migrations/1764200000100-audit-log';
import { OutsideAccessNotice1764200000200 } from './database/migrations/1764200000200-outside-access-notice';
import { TenantRetention1764200000300 } from './database/migrations/1764200000300-tenant-retention';

@Module({
  imports: [
    PlatformModule.forService({
      configShape: auditConfigShape,
      database: {
        entities: [],
        migrations: [
          PeopleDirectory1763900000050,
          AuditLog1764200000100,
          OutsideAccessNotice1764200000200,
          TenantRetention1764200000300,
          ErasedSubjects1764300000000,
        ],
      },
    }),
    AuditModule,
  ],
})
export class AppModule {}
