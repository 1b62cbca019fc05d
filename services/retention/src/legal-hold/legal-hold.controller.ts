import { Body, Controller, Delete, Get, Param, Put, UseGuards } from '@nestjs/common';
import { ApiErrors, ApiResponse, ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import {
  legalHoldParamsSchema,
  legalHoldViewSchema,
  placeLegalHoldSchema,
  type LegalHoldParams,
  type PlaceLegalHoldDto,
} from '../requests/dto/requests.dto';
import { LegalHoldService } from './legal-hold.service';

/** Org admins: a client's legal hold (blocks every erasure while it exists). */
@Controller('retention/clients/:clientId/legal-hold')
@UseGuards(InternalAuthGuard)
export class LegalHoldController {
  constructor(private readonly holds: LegalHoldService) {}

  @Get()
  @ApiResponse(200, legalHoldViewSchema)
  @ApiErrors(403)
  get(@CurrentActor() actor: Actor, @Param(new ZodValidationPipe(legalHoldParamsSchema)) p: LegalHoldParams) {
    return this.holds.get(actor, p.clientId);
  }

  @Put()
  @ApiResponse(200, legalHoldViewSchema)
  @ApiErrors(403)
  place(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(legalHoldParamsSchema)) p: LegalHoldParams,
    @Body(new ZodValidationPipe(placeLegalHoldSchema)) body: PlaceLegalHoldDto,
  ) {
    return this.holds.place(actor, p.clientId, body.reason);
  }

  @Delete()
  @ApiResponse(200, legalHoldViewSchema)
  @ApiErrors(403)
  lift(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(legalHoldParamsSchema)) p: LegalHoldParams,
  ) {
    return this.holds.lift(actor, p.clientId);
  }
}
