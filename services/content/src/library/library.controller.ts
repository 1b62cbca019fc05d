import { Body, Controller, Get, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiResponse, ZodValidationPipe } from '@therapy-room/platform';
import { libraryListSchema } from './dto/library.responses';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { LibraryService } from './library.service';
import {
  clientFeedbackSchema,
  libraryListQuerySchema,
  publishToolSchema,
  toolParamsSchema,
  toolQuerySchema,
  type ClientFeedbackDto,
  type LibraryListQuery,
  type PublishToolDto,
  type ToolParams,
  type ToolQuery,
} from './dto/library.dto';

@Controller('content/library')
@UseGuards(InternalAuthGuard)
export class LibraryController {
  constructor(private readonly library: LibraryService) {}

  /** Platform tools and the organisation's own, latest revision each. */
  @Get()
  @ApiResponse(200, libraryListSchema)
  list(
    @CurrentActor() actor: Actor,
    @Query(new ZodValidationPipe(libraryListQuerySchema)) query: LibraryListQuery,
  ) {
    return this.library.list(actor, query.kind);
  }

  @Get(':toolId')
  get(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(toolParamsSchema)) params: ToolParams,
    @Query(new ZodValidationPipe(toolQuerySchema)) query: ToolQuery,
  ) {
    return this.library.get(actor, params.toolId, query.revision);
  }

  /** Org admins: what the organisation's clients see after answering this questionnaire. */
  @Put(':toolId/client-feedback')
  setClientFeedback(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(toolParamsSchema)) params: ToolParams,
    @Body(new ZodValidationPipe(clientFeedbackSchema)) body: ClientFeedbackDto,
  ) {
    return this.library.setClientFeedback(actor, params.toolId, body.clientFeedback);
  }

  /** Org admins: a tool of the organisation's own (or a new revision of it, by key). */
  @Post('tools')
  publish(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(publishToolSchema)) body: PublishToolDto,
  ) {
    return this.library.publishOwn(actor, body);
  }
}
