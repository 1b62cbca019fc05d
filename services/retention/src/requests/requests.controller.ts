import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ApiErrors, ApiResponse, ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { RequestsService } from './requests.service';
import { ApprovalsService } from './approvals.service';
import { CertificateService } from './certificate.service';
import {
  certificateSchema,
  createRequestSchema,
  listRequestsQuerySchema,
  requestIdParamsSchema,
  requestListSchema,
  requestViewSchema,
  type CreateRequestDto,
  type ListRequestsQuery,
  type RequestIdParams,
} from './dto/requests.dto';

@Controller('retention/requests')
@UseGuards(InternalAuthGuard)
export class RequestsController {
  constructor(
    private readonly requests: RequestsService,
    private readonly approvals: ApprovalsService,
    private readonly certificates: CertificateService,
  ) {}

  /** Erasure or export of a client's data: 201 a new request, 200 the open one of the same kind. */
  @Post()
  @ApiResponse(201, requestViewSchema)
  @ApiResponse(200, requestViewSchema, { description: 'A request of this kind was already open: that one.' })
  @ApiErrors(403, 404, 409)
  async create(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(createRequestSchema)) body: CreateRequestDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { created, view } = await this.requests.raise(actor, body);
    res.status(created ? 201 : 200);
    return view;
  }

  @Get()
  @ApiResponse(200, requestListSchema)
  @ApiErrors(403, 404)
  list(
    @CurrentActor() actor: Actor,
    @Query(new ZodValidationPipe(listRequestsQuerySchema)) q: ListRequestsQuery,
  ) {
    return this.requests.list(actor, q);
  }

  @Get(':requestId')
  @ApiResponse(200, requestViewSchema)
  @ApiErrors(403)
  get(@CurrentActor() actor: Actor, @Param(new ZodValidationPipe(requestIdParamsSchema)) p: RequestIdParams) {
    return this.requests.get(actor, p.requestId);
  }

  /** Org admins other than the requester. */
  @Post(':requestId/approve')
  @HttpCode(200)
  @ApiResponse(200, requestViewSchema)
  @ApiErrors(403, 409)
  approve(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(requestIdParamsSchema)) p: RequestIdParams,
  ) {
    return this.approvals.approve(actor, p.requestId);
  }

  @Post(':requestId/hold')
  @HttpCode(200)
  @ApiResponse(200, requestViewSchema)
  @ApiErrors(403, 409)
  hold(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(requestIdParamsSchema)) p: RequestIdParams,
  ) {
    return this.approvals.hold(actor, p.requestId, true);
  }

  @Post(':requestId/resume')
  @HttpCode(200)
  @ApiResponse(200, requestViewSchema)
  @ApiErrors(403, 409)
  resume(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(requestIdParamsSchema)) p: RequestIdParams,
  ) {
    return this.approvals.hold(actor, p.requestId, false);
  }

  @Post(':requestId/cancel')
  @HttpCode(200)
  @ApiResponse(200, requestViewSchema)
  @ApiErrors(403, 409)
  cancel(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(requestIdParamsSchema)) p: RequestIdParams,
  ) {
    return this.approvals.cancel(actor, p.requestId);
  }

  /** Org admins: the certificate of a completed erasure. */
  @Get(':requestId/certificate')
  @ApiResponse(200, certificateSchema)
  @ApiErrors(403, 409)
  certificate(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(requestIdParamsSchema)) p: RequestIdParams,
  ) {
    return this.certificates.of(actor, p.requestId);
  }
}
