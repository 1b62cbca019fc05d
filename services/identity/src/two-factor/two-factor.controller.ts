import { Body, Controller, Delete, HttpCode, Post, Put, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ApiErrors, ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { TwoFactorService } from './two-factor.service';
import { TwoFactorOffService } from './two-factor-off.service';
import { LoginThrottledException } from '../sessions/login-throttled.exception';
import {
  codeBodySchema,
  twoFactorSettingsSchema,
  type CodeBody,
  type TwoFactorSettingsDto,
} from './dto/two-factor.dto';

/** The signed-in user's own second factor, and the organisation's 2FA rule (org admins). */
@Controller()
@UseGuards(InternalAuthGuard)
export class TwoFactorController {
  constructor(
    private readonly twoFactor: TwoFactorService,
    private readonly off: TwoFactorOffService,
  ) {}

  @Post('auth/2fa/enrol')
  @ApiErrors(409)
  @HttpCode(200)
  enrol(@CurrentActor() actor: Actor) {
    return this.twoFactor.enrol(actor);
  }

  @Post('auth/2fa/confirm')
  @ApiErrors(401, 409)
  @HttpCode(200)
  confirm(@CurrentActor() actor: Actor, @Body(new ZodValidationPipe(codeBodySchema)) body: CodeBody) {
    return this.twoFactor.confirm(actor, body.code);
  }

  @Delete('auth/2fa')
  @ApiErrors(401, 409, 429)
  @HttpCode(204)
  async disable(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(codeBodySchema)) body: CodeBody,
    @Res({ passthrough: true }) res: Response,
  ) {
    try {
      await this.off.disable(actor, body.code);
    } catch (err) {
      if (err instanceof LoginThrottledException) res.setHeader('retry-after', String(err.retryAfterSeconds));
      throw err;
    }
  }

  @Put('tenant/settings/two-factor')
  settings(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(twoFactorSettingsSchema)) body: TwoFactorSettingsDto,
  ) {
    return this.twoFactor.setSettings(actor, body);
  }
}
