import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { ApiErrors, ZodValidationPipe } from '@therapy-room/platform';
import { GatewayCallerGuard } from '@therapy-room/auth';
import { loginClientAddress } from '../common/gateway-client-address';
import { PasswordResetService } from './password-reset.service';
import { requestPasswordResetSchema, type RequestPasswordResetDto } from './dto/request-password-reset.dto';
import { confirmPasswordResetSchema, type ConfirmPasswordResetDto } from './dto/confirm-password-reset.dto';

export const PASSWORD_RESET_REQUESTED = {
  status: 'accepted',
  detail: 'If an active account exists for this address, a link to reset its password has been sent.',
} as const;

/** Public routes (the gateway forwards them without a session); the client's address is for audit only. */
@Controller('auth/password-reset')
@UseGuards(GatewayCallerGuard)
export class PasswordResetController {
  constructor(private readonly resets: PasswordResetService) {}

  /** Always the same 202, whether the account exists or not. */
  @Post('request')
  @ApiErrors(429)
  @HttpCode(202)
  async request(
    @Body(new ZodValidationPipe(requestPasswordResetSchema)) body: RequestPasswordResetDto,
    @Req() req: Request,
  ) {
    loginClientAddress(req);
    await this.resets.request(body);
    return PASSWORD_RESET_REQUESTED;
  }

  @Post('confirm')
  @HttpCode(200)
  confirm(
    @Body(new ZodValidationPipe(confirmPasswordResetSchema)) body: ConfirmPasswordResetDto,
    @Req() req: Request,
  ) {
    loginClientAddress(req);
    return this.resets.confirm(body);
  }
}
