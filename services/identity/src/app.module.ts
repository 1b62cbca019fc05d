import { Module } from '@nestjs/common';
import { PlatformModule } from '@therapy-room/platform';
import { identityConfigShape } from './identity.config';
import { IdentityModule } from './identity.module';
import { Tenant } from './tenants/tenant.entity';
import { UserAccount } from './users/user-account.entity';
import { Session } from './sessions/session.entity';
import { IdentityCore1763800000100 } from './database/migrations/1763800000100-identity-core';

@Module({
  imports: [
    PlatformModule.forService({
      configShape: identityConfigShape,
      database: { entities: [Tenant, UserAccount, Session], migrations: [IdentityCore1763800000100] },
    }),
    IdentityModule,
  ],
})
export class AppModule {}
