import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, GatewayCallerGuard, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { SessionsService } from './sessions.service';
import { PasswordLoginService } from './password-login.service';
import { PasswordChangeService } from './password-change.service';
import { SessionResolver } from './session-resolver.service';
import { LoginThrottledException } from './login-throttled.exception';
import {
  loginSchema,
  logoutSchema,
  resolveSessionSchema,
  type LoginDto,
  type LogoutDto,
} from './dto/login.dto';
import { changePasswordSchema, type ChangePasswordDto } from './dto/change-password.dto';
import { gatewayDeviceToken, loginClientAddress } from '../common/gateway-client-address';

/**
 * Login and session resolution happen before there is an actor, so these two routes carry no internal
 * token: the gateway's service token (GatewayCallerGuard) proves the call comes from the gateway.
 */
@Controller()
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly logins: PasswordLoginService,
    private readonly resolver: SessionResolver,
    private readonly passwords: PasswordChangeService,
  ) {}

  @Post('auth/login')
  @HttpCode(200)
  @UseGuards(GatewayCallerGuard)
  async login(
    @Body(new ZodValidationPipe(loginSchema)) body: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    // The client's address, as the gateway saw it (x-client-address, from its own trust-proxy rules).
    // Trusted here only because this route is reachable from the gateway alone (network policy) and
    // the gateway always overwrites the header. Whoever could set it could claim the real user's
    // address and lock that (account, address) pair, or spread guesses over invented addresses: so
    // it is read on this route only, for throttling and audit, and never from anything else.
    const sourceAddress = loginClientAddress(req);
    try {
      return await this.logins.login(body, sourceAddress, gatewayDeviceToken(req));
    } catch (err) {
      if (err instanceof LoginThrottledException) res.setHeader('retry-after', String(err.retryAfterSeconds));
      throw err;
    }
  }

  @Post('sessions/resolve')
  @HttpCode(200)
  @UseGuards(GatewayCallerGuard)
  resolve(@Body(new ZodValidationPipe(resolveSessionSchema)) body: { token: string }) {
    return this.resolver.resolve(body.token);
  }

  @Post('auth/logout')
  @HttpCode(204)
  @UseGuards(InternalAuthGuard)
  async logout(@CurrentActor() actor: Actor, @Body(new ZodValidationPipe(logoutSchema)) body: LogoutDto) {
    await this.sessions.logout(actor, body?.reason);
  }

  @Post('auth/logout-everywhere')
  @HttpCode(204)
  @UseGuards(InternalAuthGuard)
  async logoutEverywhere(@CurrentActor() actor: Actor) {
    await this.sessions.logoutEverywhere(actor);
  }

  /** Answers the rotated session's token: the gateway puts it in the cookie and never in a body. */
  @Post('auth/password')
  @HttpCode(200)
  @UseGuards(InternalAuthGuard)
  async changePassword(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(changePasswordSchema)) body: ChangePasswordDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    try {
      return await this.passwords.changePassword(actor, body);
    } catch (err) {
      if (err instanceof LoginThrottledException) res.setHeader('retry-after', String(err.retryAfterSeconds));
      throw err;
    }
  }
}
