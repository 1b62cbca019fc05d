import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { ApiResponse, ZodValidationPipe } from '@therapy-room/platform';
import { GatewayCallerGuard } from '@therapy-room/auth';
import { gatewayDeviceToken, loginClientAddress } from '../common/gateway-client-address';
import { SsoLoginService } from './sso-login.service';
import {
  ssoAvailabilitySchema,
  ssoCallbackSchema,
  ssoStartSchema,
  type SsoCallbackDto,
  type SsoStartDto,
} from './dto/sso-login.dto';

/**
 * The two legs of a single sign-on login, reached only by the gateway (network policy) and before
 * there is a session, so without an internal token: the gateway turns `start` into a redirect to the
 * provider (and a binding cookie), and the provider's redirect back into `callback`.
 */
@Controller('auth/sso')
@UseGuards(GatewayCallerGuard)
export class SsoLoginController {
  constructor(private readonly sso: SsoLoginService) {}

  /** Whether to offer the button (no attempt is recorded, no provider asked). */
  @Post('available')
  @HttpCode(200)
  @ApiResponse(200, ssoAvailabilitySchema)
  available(@Body(new ZodValidationPipe(ssoStartSchema)) body: SsoStartDto) {
    return this.sso.available(body);
  }

  @Post('start')
  @HttpCode(200)
  start(@Body(new ZodValidationPipe(ssoStartSchema)) body: SsoStartDto, @Req() req: Request) {
    loginClientAddress(req);
    return this.sso.start(body);
  }

  /** Answers the new session's token (the gateway puts it in the cookie), or one generic 401. */
  @Post('callback')
  @HttpCode(200)
  callback(@Body(new ZodValidationPipe(ssoCallbackSchema)) body: SsoCallbackDto, @Req() req: Request) {
    return this.sso.callback(body, loginClientAddress(req), gatewayDeviceToken(req));
  }
}
