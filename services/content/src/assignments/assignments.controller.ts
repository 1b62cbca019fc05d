import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiResponse, ZodValidationPipe } from '@therapy-room/platform';
import { assignmentListSchema, assignmentViewSchema } from './dto/assignments.responses';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { AssignmentsService } from './assignments.service';
import {
  assignmentIdParamsSchema,
  clientIdParamsSchema,
  createAssignmentSchema,
  listAssignmentsQuerySchema,
  reviseAssignmentSchema,
  type AssignmentIdParams,
  type ClientIdParams,
  type CreateAssignmentDto,
  type ListAssignmentsQuery,
  type ReviseAssignmentDto,
} from './dto/assignments.dto';

@Controller('content')
@UseGuards(InternalAuthGuard)
export class AssignmentsController {
  constructor(private readonly assignments: AssignmentsService) {}

  /** Professionals: offer a tool to a client of their caseload, tailored. */
  @Post('assignments')
  @ApiResponse(201, assignmentViewSchema)
  assign(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(createAssignmentSchema)) body: CreateAssignmentDto,
  ) {
    return this.assignments.assign(actor, body);
  }

  /** The client's tools: for the client themself (active ones) and their care team (all). */
  @Get('clients/:clientId/assignments')
  @ApiResponse(200, assignmentListSchema)
  list(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(clientIdParamsSchema)) params: ClientIdParams,
    @Query(new ZodValidationPipe(listAssignmentsQuerySchema)) query: ListAssignmentsQuery,
  ) {
    return this.assignments.list(actor, params.clientId, query.status === 'active');
  }

  /** Professionals: move the client to another revision (default: the latest). */
  @Post('assignments/:assignmentId/revision')
  @HttpCode(200)
  revise(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(assignmentIdParamsSchema)) params: AssignmentIdParams,
    @Body(new ZodValidationPipe(reviseAssignmentSchema)) body: ReviseAssignmentDto,
  ) {
    return this.assignments.revise(actor, params.assignmentId, body);
  }

  /** Professionals: withdraw; the client's work stays readable for the care team. */
  @Delete('assignments/:assignmentId')
  @HttpCode(204)
  async withdraw(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(assignmentIdParamsSchema)) params: AssignmentIdParams,
  ): Promise<void> {
    await this.assignments.withdraw(actor, params.assignmentId);
  }
}
