import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiErrors, ApiInput, ApiResponse, ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { AssignmentsService } from './assignments.service';
import { CaseloadReadService } from './caseload-reads.service';
import { LinksService } from './links.service';
import {
  assignmentIdParamsSchema,
  clientIdParamsSchema,
  createAssignmentSchema,
  createLinkSchema,
  linkParamsSchema,
  listClientsQuerySchema,
  moveClientSchema,
  type AssignmentIdParams,
  type ClientIdParams,
  type CreateAssignmentDto,
  type CreateLinkDto,
  type LinkParams,
  type ListClientsQuery,
  type MoveClientDto,
} from './dto/caseload.dto';
import {
  assignmentSchema,
  caseloadEntrySchema,
  caseloadPageSchema,
  documentedListClientsQuery,
  linkSchema,
  moveSchema,
  myProfessionalsSchema,
  professionalsSchema,
} from './dto/caseload.responses';

@Controller('caseload')
@UseGuards(InternalAuthGuard)
export class CaseloadController {
  private readonly listQuery: ZodValidationPipe<ReturnType<typeof listClientsQuerySchema>>;

  constructor(
    private readonly caseload: CaseloadReadService,
    private readonly assignments: AssignmentsService,
    private readonly links: LinksService,
  ) {
    this.listQuery = new ZodValidationPipe(listClientsQuerySchema(caseload.maxPageSize));
  }

  /** A professional's own caseload; for org admins every client, or one professional's caseload. */
  @Get('clients')
  @ApiErrors(404)
  @ApiInput('query', documentedListClientsQuery)
  @ApiResponse(200, caseloadPageSchema)
  list(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.caseload.list(actor, this.listQuery.transform(query) as ListClientsQuery);
  }

  @Get('clients/:clientId')
  @ApiResponse(200, caseloadEntrySchema)
  get(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(clientIdParamsSchema)) params: ClientIdParams,
  ) {
    return this.caseload.get(actor, params.clientId);
  }

  @Post('clients/:clientId/move')
  @ApiResponse(200, moveSchema)
  @ApiErrors(409)
  @HttpCode(200)
  move(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(clientIdParamsSchema)) params: ClientIdParams,
    @Body(new ZodValidationPipe(moveClientSchema)) body: MoveClientDto,
  ) {
    return this.assignments.move(actor, params.clientId, body);
  }

  @Post('clients/:clientId/links')
  @ApiResponse(201, linkSchema)
  @ApiErrors(409)
  link(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(clientIdParamsSchema)) params: ClientIdParams,
    @Body(new ZodValidationPipe(createLinkSchema)) body: CreateLinkDto,
  ) {
    return this.links.link(actor, params.clientId, body);
  }

  @Delete('clients/:clientId/links/:linkId')
  @HttpCode(204)
  async unlink(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(linkParamsSchema)) params: LinkParams,
  ): Promise<void> {
    await this.links.unlink(actor, params.clientId, params.linkId);
  }

  @Post('assignments')
  @ApiResponse(201, assignmentSchema)
  @ApiErrors(404, 409)
  assign(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(createAssignmentSchema)) body: CreateAssignmentDto,
  ) {
    return this.assignments.assign(actor, body);
  }

  @Delete('assignments/:assignmentId')
  @HttpCode(204)
  async unassign(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(assignmentIdParamsSchema)) params: AssignmentIdParams,
  ): Promise<void> {
    await this.assignments.unassign(actor, params.assignmentId);
  }

  /** For clients: who their professionals are. */
  @Get('me/professionals')
  @ApiResponse(200, myProfessionalsSchema)
  myProfessionals(@CurrentActor() actor: Actor) {
    return this.caseload.myProfessionals(actor);
  }

  /** For org admins: every professional and the size of their caseload. */
  @Get('professionals')
  @ApiResponse(200, professionalsSchema)
  professionals(@CurrentActor() actor: Actor) {
    return this.caseload.professionals(actor);
  }
}
