import { Body, Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { ApiErrors, ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, GatewayCallerGuard, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { userIdParamsSchema, type UserIdParams } from '../users/dto/user-id.dto';
import { loginClientAddress } from '../common/gateway-client-address';
import { InvitationsService } from './invitations.service';
import { activateSchema, type ActivateDto } from './dto/activate.dto';

@Controller()
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  /** Public (the gateway forwards it without a session): the link's token is the credential. */
  @Post('auth/activate')
  @ApiErrors(409)
  @HttpCode(200)
  @UseGuards(GatewayCallerGuard)
  activate(@Body(new ZodValidationPipe(activateSchema)) body: ActivateDto, @Req() req: Request) {
    loginClientAddress(req); // for the audit entry only
    return this.invitations.activate(body);
  }

  @Post('users/:id/invitation')
  @ApiErrors(409)
  @HttpCode(202)
  @UseGuards(InternalAuthGuard)
  async reinvite(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(userIdParamsSchema)) params: UserIdParams,
  ) {
    await this.invitations.reinvite(actor, params.id);
    return { status: 'invited' };
  }
}
