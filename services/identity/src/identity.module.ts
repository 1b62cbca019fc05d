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

/** Identity's features; AppModule adds the platform, the CLI module reuses this without HTTP. */
@Module({
  imports: [InternalAuthModule],
  controllers: [SessionsController, UsersController],
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
  ],
  exports: [TenantsService],
})
export class IdentityModule {}
