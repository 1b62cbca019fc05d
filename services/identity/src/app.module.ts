import { Module } from '@nestjs/common';
import { PlatformModule } from '@therapy-room/platform';
import { identityConfigShape } from './identity.config';
import { IdentityModule } from './identity.module';
import { Tenant } from './tenants/tenant.entity';
import { UserAccount } from './users/user-account.entity';
import { Session } from './sessions/session.entity';
import { IdentityCore1763800000100 } from './database/migrations/1763800000100-identity-core';
import { TenantPasswordPolicy1763800000200 } from './database/migrations/1763800000200-tenant-password-policy';
import { LoginThrottle1763800000300 } from './database/migrations/1763800000300-login-throttle';
import { Invitations1763800000400 } from './database/migrations/1763800000400-invitations';
import { TwoFactor1763800000600 } from './database/migrations/1763800000600-two-factor';
import { PrivacyStatement1763800000700 } from './database/migrations/1763800000700-privacy-statement';
import { StaffAccess1763800000800 } from './database/migrations/1763800000800-staff-access';
import { SingleSignOn1763800000900 } from './database/migrations/1763800000900-single-sign-on';
import { NewSignInNotices1763800001000 } from './database/migrations/1763800001000-new-sign-in-notices';
import { MessageNoticeMails1764100000900 } from './database/migrations/1764100000900-message-notice-mails';
import { AccountProtection1764200000100 } from './database/migrations/1764200000100-account-protection';
import { OutsideAccessNoticeMails1764200000900 } from './database/migrations/1764200000900-outside-access-notice-mails';
import { ErasedSubjects1764300000000 } from '@therapy-room/data-protection';
import { ErasurePending1764300000200 } from './database/migrations/1764300000200-erasure-pending';
import { IdleDeactivation1764400000100 } from './database/migrations/1764400000100-idle-deactivation';
import { StaffAccessGrant } from './staff-access/staff-access-grant.entity';

@Module({
  imports: [
    PlatformModule.forService({
      configShape: identityConfigShape,
      database: {
        entities: [Tenant, UserAccount, Session, StaffAccessGrant],
        migrations: [
          IdentityCore1763800000100,
          TenantPasswordPolicy1763800000200,
          LoginThrottle1763800000300,
          Invitations1763800000400,
          TwoFactor1763800000600,
          PrivacyStatement1763800000700,
          StaffAccess1763800000800,
          SingleSignOn1763800000900,
          NewSignInNotices1763800001000,
          MessageNoticeMails1764100000900,
          AccountProtection1764200000100,
          OutsideAccessNoticeMails1764200000900,
          ErasedSubjects1764300000000,
          ErasurePending1764300000200,
          IdleDeactivation1764400000100,
        ],
      },
    }),
    IdentityModule,
  ],
})
export class AppModule {}
