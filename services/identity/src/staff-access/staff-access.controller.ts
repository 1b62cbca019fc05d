import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { useGatewayClientAddressForAudit } from '../common/gateway-client-address';
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
  request(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(requestGrantSchema)) body: RequestGrantDto,
    @Req() req: Request,
  ) {
    useGatewayClientAddressForAudit(req);
    return this.staffAccess.request(actor, body);
  }

  @Get()
  list(
    @CurrentActor() actor: Actor,
    @Query(new ZodValidationPipe(listGrantsQuerySchema)) query: ListGrantsQuery,
  ) {
    return this.staffAccess.list(actor, query);
  }

  @Post(':id/approve')
  @HttpCode(200)
  approve(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(grantIdParamsSchema)) params: GrantIdParams,
    @Req() req: Request,
  ) {
    useGatewayClientAddressForAudit(req);
    return this.staffAccess.approve(actor, params.id);
  }

  @Post(':id/deny')
  @HttpCode(200)
  deny(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(grantIdParamsSchema)) params: GrantIdParams,
    @Req() req: Request,
  ) {
    useGatewayClientAddressForAudit(req);
    return this.staffAccess.deny(actor, params.id);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  revoke(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(grantIdParamsSchema)) params: GrantIdParams,
    @Req() req: Request,
  ) {
    useGatewayClientAddressForAudit(req);
    return this.staffAccess.revoke(actor, params.id);
  }

  @Post(':id/use')
  @HttpCode(200)
  use(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(grantIdParamsSchema)) params: GrantIdParams,
    @Req() req: Request,
  ) {
    useGatewayClientAddressForAudit(req);
    return this.staffAccess.use(actor, params.id);
  }
}
