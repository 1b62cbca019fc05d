import { Module } from '@nestjs/common';
import { InternalAuthModule } from '@therapy-room/auth';
import { PasswordHasher } from './common/password-hasher';
import { TenantsRepository } from './tenants/tenants.repository';
import { TenantsService } from './tenants/tenants.service';
import { DirectoryPublisher } from './tenants/directory-publisher';
import { LicenceService } from './tenants/licence.service';
import { UsersRepository } from './users/users.repository';
import { UsersService } from './users/users.service';
import { UsersController } from './users/users.controller';
import { SessionsRepository } from './sessions/sessions.repository';
import { SessionsService } from './sessions/sessions.service';
import { PasswordLoginService } from './sessions/password-login.service';
import { PasswordChangeService } from './sessions/password-change.service';
import { SessionResolver } from './sessions/session-resolver.service';
import { SessionStartService } from './sessions/session-start.service';
import { SessionRotation } from './sessions/session-rotation.service';
import { SessionsController } from './sessions/sessions.controller';
import { LoginThrottleRepository } from './sessions/login-throttle.repository';
import { LoginThrottleService } from './sessions/login-throttle.service';
import { TwoFactorRepository } from './two-factor/two-factor.repository';
import { TwoFactorService } from './two-factor/two-factor.service';
import { TwoFactorOffService } from './two-factor/two-factor-off.service';
import { TotpSecretCipher } from './two-factor/totp-secret-cipher';
import { TwoFactorController } from './two-factor/two-factor.controller';
import { LoginSecondFactorController } from './two-factor/login-second-factor.controller';
import { MailModule } from './mail/mail.module';
import { InvitationsRepository } from './invitations/invitations.repository';
import { InvitationsService } from './invitations/invitations.service';
import { InvitationsController } from './invitations/invitations.controller';
import { PasswordResetRepository } from './password-reset/password-reset.repository';
import { PasswordResetService } from './password-reset/password-reset.service';
import { PasswordResetController } from './password-reset/password-reset.controller';
import { UserLifecycleService } from './users/user-lifecycle.service';
import { subjectRightsParticipant } from '@therapy-room/data-protection';
import { ErasureRepository } from './erasure/erasure.repository';
import { ErasureService } from './erasure/erasure.service';
import { PrivacyStatementRepository } from './privacy/privacy-statement.repository';
import { PrivacyStatementService } from './privacy/privacy-statement.service';
import { PrivacyStatementController } from './privacy/privacy-statement.controller';
import { StaffAccessRepository } from './staff-access/staff-access.repository';
import { StaffAccessService } from './staff-access/staff-access.service';
import { StaffAccessController } from './staff-access/staff-access.controller';
import { StaffGrantEndingService } from './staff-access/staff-grant-ending.service';
import { StaffAccountsService } from './staff-access/staff-accounts.service';
import { KnownDevicesRepository } from './sign-in-notices/known-devices.repository';
import { NewSignInNoticeService } from './sign-in-notices/new-sign-in-notice.service';
import { MessageNoticeConsumer } from './message-notices/message-notice.consumer';
import { MessageNoticeService } from './message-notices/message-notice.service';
import { OutsideAccessNoticeConsumer } from './access-notices/outside-access-notice.consumer';
import { OutsideAccessNoticeService } from './access-notices/outside-access-notice.service';
import { OidcClient } from './sso/oidc/oidc-client';
import { SsoRepository } from './sso/sso.repository';
import { SsoConfigService } from './sso/sso-config.service';
import { SsoConfigController } from './sso/sso-config.controller';
import { SsoLoginService } from './sso/sso-login.service';
import { SsoLoginController } from './sso/sso-login.controller';

import { IdleAccountsRepository } from './idle-accounts/idle-accounts.repository';
import { IdleRuleConsumer } from './idle-accounts/idle-rule.consumer';
import { IdleSweepService } from './idle-accounts/idle-sweep.service';
const subjectRights = subjectRightsParticipant(ErasureService);

/** Identity's features; AppModule adds the platform, the CLI module reuses this without HTTP. */
import { ErasurePendingConsumer } from './retention/erasure-pending.consumer';
import { ErasurePendingService } from './retention/erasure-pending.service';

@Module({
  imports: [InternalAuthModule, MailModule],
  controllers: [
    SessionsController,
    UsersController,
    ...subjectRights.controllers,
    MessageNoticeConsumer,
    OutsideAccessNoticeConsumer,
    ErasurePendingConsumer,
    InvitationsController,
    PasswordResetController,
    TwoFactorController,
    LoginSecondFactorController,
    PrivacyStatementController,
    StaffAccessController,
    SsoConfigController,
    SsoLoginController,
    IdleRuleConsumer,
  ],
  providers: [
    PasswordHasher,
    ErasurePendingService,
    TenantsRepository,
    TenantsService,
    DirectoryPublisher,
    LicenceService,
    UsersRepository,
    UsersService,
    SessionsRepository,
    SessionsService,
    SessionStartService,
    PasswordLoginService,
    SessionResolver,
    PasswordChangeService,
    SessionRotation,
    LoginThrottleRepository,
    LoginThrottleService,
    TwoFactorRepository,
    TwoFactorService,
    TwoFactorOffService,
    TotpSecretCipher,
    InvitationsRepository,
    InvitationsService,
    PasswordResetRepository,
    PasswordResetService,
    UserLifecycleService,
    ErasureRepository,
    ...subjectRights.providers,
    PrivacyStatementRepository,
    PrivacyStatementService,
    StaffAccessRepository,
    StaffAccessService,
    StaffGrantEndingService,
    StaffAccountsService,
    KnownDevicesRepository,
    NewSignInNoticeService,
    MessageNoticeService,
    OutsideAccessNoticeService,
    OidcClient,
    SsoRepository,
    SsoConfigService,
    SsoLoginService,
    IdleAccountsRepository,
    IdleSweepService,
  ],
  exports: [TenantsService],
})
export class IdentityModule {}
