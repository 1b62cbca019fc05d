import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiErrors, ZodValidationPipe } from '@therapy-room/platform';
import { GatewayCallerGuard } from '@therapy-room/auth';
import { PasswordLoginService } from '../sessions/password-login.service';
import { LoginThrottledException } from '../sessions/login-throttled.exception';
import { gatewayDeviceToken, loginClientAddress } from '../common/gateway-client-address';
import { TwoFactorService } from './two-factor.service';
import {
  challengeBodySchema,
  secondFactorSchema,
  type ChallengeBody,
  type SecondFactorDto,
} from './dto/two-factor.dto';

/**
 * The second login step, reached only by the gateway, before there is a session (so no internal
 * token): the login challenge stands in for it, for this address only.
 */
@Controller('auth/login/second-factor')
@UseGuards(GatewayCallerGuard)
export class LoginSecondFactorController {
  constructor(
    private readonly sessions: PasswordLoginService,
    private readonly twoFactor: TwoFactorService,
  ) {}

  /** A TOTP code or a recovery code (or, for an enrolment challenge, the first code): a session. */
  @Post()
  @HttpCode(200)
  async complete(
    @Body(new ZodValidationPipe(secondFactorSchema)) body: SecondFactorDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    try {
      return await this.sessions.completeSecondFactor(body, loginClientAddress(req), gatewayDeviceToken(req));
    } catch (err) {
      if (err instanceof LoginThrottledException) res.setHeader('retry-after', String(err.retryAfterSeconds));
      throw err;
    }
  }

  /** For users who must have 2FA and have none: a secret to enrol, with the login challenge. */
  @Post('enrol')
  @ApiErrors(401, 409)
  @HttpCode(200)
  enrol(@Body(new ZodValidationPipe(challengeBodySchema)) body: ChallengeBody, @Req() req: Request) {
    return this.twoFactor.enrolWithChallenge(body.challenge, loginClientAddress(req));
  }
}
