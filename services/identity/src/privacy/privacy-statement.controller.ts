import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiErrors, ApiResponse, ZodValidationPipe } from '@therapy-room/platform';
import { acknowledgementSchema, privacyStatementSchema } from './dto/privacy-statement.responses';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { PrivacyStatementService } from './privacy-statement.service';
import {
  acknowledgePrivacyStatementSchema,
  publishPrivacyStatementSchema,
  type AcknowledgePrivacyStatementDto,
  type PublishPrivacyStatementDto,
} from './dto/privacy-statement.dto';

/** The organisation's privacy statement: publish (org admins), read and acknowledge (everyone). */
@Controller()
@UseGuards(InternalAuthGuard)
export class PrivacyStatementController {
  constructor(private readonly privacy: PrivacyStatementService) {}

  @Post('tenant/privacy-statements')
  @ApiResponse(201, privacyStatementSchema)
  publish(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(publishPrivacyStatementSchema)) body: PublishPrivacyStatementDto,
  ) {
    return this.privacy.publish(actor, body);
  }

  @Get('tenant/privacy-statement')
  @ApiResponse(200, privacyStatementSchema)
  @ApiErrors(404)
  current(@CurrentActor() actor: Actor) {
    return this.privacy.current(actor);
  }

  @Post('auth/privacy-statement/acknowledge')
  @ApiResponse(200, acknowledgementSchema)
  @ApiErrors(404, 409)
  @HttpCode(200)
  acknowledge(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(acknowledgePrivacyStatementSchema)) body: AcknowledgePrivacyStatementDto,
  ) {
    return this.privacy.acknowledge(actor, body);
  }
}
