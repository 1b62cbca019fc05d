import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiErrors, ApiResponse, ZodValidationPipe } from '@therapy-room/platform';
import { grantListSchema, grantViewSchema } from './dto/staff-access.responses';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { StaffAccessService } from './staff-access.service';
import {
  grantIdParamsSchema,
  listGrantsQuerySchema,
  requestGrantSchema,
  type GrantIdParams,
  type ListGrantsQuery,
  type RequestGrantDto,
} from './dto/staff-access.dto';

/** Platform staff request and use grants; org admins of the organisation decide on them. */
@Controller('staff-access/grants')
@UseGuards(InternalAuthGuard)
export class StaffAccessController {
  constructor(private readonly staffAccess: StaffAccessService) {}

  @Post()
  @ApiResponse(201, grantViewSchema)
  @ApiErrors(404)
  request(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(requestGrantSchema)) body: RequestGrantDto,
  ) {
    return this.staffAccess.request(actor, body);
  }

  @Get()
  @ApiResponse(200, grantListSchema)
  list(
    @CurrentActor() actor: Actor,
    @Query(new ZodValidationPipe(listGrantsQuerySchema)) query: ListGrantsQuery,
  ) {
    return this.staffAccess.list(actor, query);
  }

  @Post(':id/approve')
  @ApiResponse(200, grantViewSchema)
  @ApiErrors(409)
  @HttpCode(200)
  approve(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(grantIdParamsSchema)) params: GrantIdParams,
  ) {
    return this.staffAccess.approve(actor, params.id);
  }

  @Post(':id/deny')
  @ApiResponse(200, grantViewSchema)
  @ApiErrors(409)
  @HttpCode(200)
  deny(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(grantIdParamsSchema)) params: GrantIdParams,
  ) {
    return this.staffAccess.deny(actor, params.id);
  }

  @Post(':id/revoke')
  @ApiResponse(200, grantViewSchema)
  @ApiErrors(409)
  @HttpCode(200)
  revoke(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(grantIdParamsSchema)) params: GrantIdParams,
  ) {
    return this.staffAccess.revoke(actor, params.id);
  }

  @Post(':id/use')
  @ApiErrors(409)
  @HttpCode(200)
  use(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(grantIdParamsSchema)) params: GrantIdParams,
  ) {
    return this.staffAccess.use(actor, params.id);
  }
}
