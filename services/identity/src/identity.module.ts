import { Module } from '@nestjs/common';
import { InternalAuthModule } from '@therapy-room/auth';
import { Clock, SystemClock } from './common/clock';
import { PasswordHasher } from './common/password-hasher';
import { TenantsRepository } from './tenants/tenants.repository';
import { TenantsService } from './tenants/tenants.service';
import { UsersRepository } from './users/users.repository';
import { UsersService } from './users/users.service';
import { UsersController } from './users/users.controller';
import { SessionsRepository } from './sessions/sessions.repository';
import { SessionsService } from './sessions/sessions.service';
import { SessionsController } from './sessions/sessions.controller';
import { LoginThrottleRepository } from './sessions/login-throttle.repository';
import { LoginThrottleService } from './sessions/login-throttle.service';
import { TwoFactorRepository } from './two-factor/two-factor.repository';
import { TwoFactorService } from './two-factor/two-factor.service';
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
import { ErasureConsumer } from './erasure/erasure.consumer';
import { ErasureRepository } from './erasure/erasure.repository';
import { ErasureService } from './erasure/erasure.service';
import { PrivacyStatementRepository } from './privacy/privacy-statement.repository';
import { PrivacyStatementService } from './privacy/privacy-statement.service';
import { PrivacyStatementController } from './privacy/privacy-statement.controller';
import { StaffAccessRepository } from './staff-access/staff-access.repository';
import { StaffAccessService } from './staff-access/staff-access.service';
import { StaffAccessController } from './staff-access/staff-access.controller';

/** Identity's features; AppModule adds the platform, the CLI module reuses this without HTTP. */
@Module({
  imports: [InternalAuthModule, MailModule],
  controllers: [
    SessionsController,
    UsersController,
    ErasureConsumer,
    InvitationsController,
    PasswordResetController,
    TwoFactorController,
    LoginSecondFactorController,
    PrivacyStatementController,
    StaffAccessController,
  ],
  providers: [
    { provide: Clock, useClass: SystemClock },
    PasswordHasher,
    TenantsRepository,
    TenantsService,
    UsersRepository,
    UsersService,
    SessionsRepository,
    SessionsService,
    LoginThrottleRepository,
    LoginThrottleService,
    TwoFactorRepository,
    TwoFactorService,
    TotpSecretCipher,
    InvitationsRepository,
    InvitationsService,
    PasswordResetRepository,
    PasswordResetService,
    UserLifecycleService,
    ErasureRepository,
    ErasureService,
    PrivacyStatementRepository,
    PrivacyStatementService,
    StaffAccessRepository,
    StaffAccessService,
  ],
  exports: [TenantsService],
})
export class IdentityModule {}
