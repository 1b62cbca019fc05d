import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { clientIdParamsSchema, type ClientIdParams } from '../assignments/dto/assignments.dto';
import { SharingService } from './sharing.service';
import {
  createShareSchema,
  shareParamsSchema,
  type CreateShareDto,
  type ShareParams,
} from './dto/sharing.dto';

/** The client's own share links. */
@Controller('content/clients/:clientId/report-shares')
@UseGuards(InternalAuthGuard)
export class SharingController {
  constructor(private readonly sharing: SharingService) {}

  @Post()
  create(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(clientIdParamsSchema)) params: ClientIdParams,
    @Body(new ZodValidationPipe(createShareSchema)) body: CreateShareDto,
  ) {
    return this.sharing.create(actor, params.clientId, body);
  }

  @Get()
  list(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(clientIdParamsSchema)) params: ClientIdParams,
  ) {
    return this.sharing.list(actor, params.clientId);
  }

  @Delete(':shareId')
  @HttpCode(204)
  async revoke(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(shareParamsSchema)) params: ShareParams,
  ) {
    await this.sharing.revoke(actor, params.clientId, params.shareId);
  }
}
