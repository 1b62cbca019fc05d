import { Body, Controller, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ApiResponse, ZodValidationPipe } from '@therapy-room/platform';
import { openFlagsSchema } from './dto/work.responses';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { assignmentIdParamsSchema, type AssignmentIdParams } from '../assignments/dto/assignments.dto';
import { assignmentWorkSchema } from '../assignments/dto/assignments.responses';
import { CareTeamWorkService } from './care-team-work.service';
import { ClientWorkService } from './client-work.service';
import { WorkReadingService } from './work-reading.service';
import {
  diaryEntrySchema,
  feedbackSchema,
  flagParamsSchema,
  pageAnswersSchema,
  pageParamsSchema,
  responseSchema,
  type DiaryEntryDto,
  type FeedbackDto,
  type FlagParams,
  type PageAnswersDto,
  type PageParams,
  type ResponseDto,
} from './dto/work.dto';

@Controller('content')
@UseGuards(InternalAuthGuard)
export class WorkController {
  constructor(
    private readonly reading: WorkReadingService,
    private readonly clientWork: ClientWorkService,
    private readonly careTeamWork: CareTeamWorkService,
  ) {}

  /** One tool with the client's work on it (the client, or their care team). */
  @Get('assignments/:assignmentId')
  @ApiResponse(200, assignmentWorkSchema)
  get(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(assignmentIdParamsSchema)) params: AssignmentIdParams,
  ) {
    return this.reading.get(actor, params.assignmentId);
  }

  /** The client saves a page's answers as they go; `completed` marks the page done. */
  @Put('assignments/:assignmentId/pages/:sessionKey/:pageKey')
  savePage(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(pageParamsSchema)) params: PageParams,
    @Body(new ZodValidationPipe(pageAnswersSchema)) body: PageAnswersDto,
  ) {
    return this.clientWork.savePage(actor, params.assignmentId, params.sessionKey, params.pageKey, body);
  }

  @Post('assignments/:assignmentId/diary-entries')
  addDiaryEntry(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(assignmentIdParamsSchema)) params: AssignmentIdParams,
    @Body(new ZodValidationPipe(diaryEntrySchema)) body: DiaryEntryDto,
  ) {
    return this.clientWork.addDiaryEntry(actor, params.assignmentId, body);
  }

  @Post('assignments/:assignmentId/responses')
  respond(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(assignmentIdParamsSchema)) params: AssignmentIdParams,
    @Body(new ZodValidationPipe(responseSchema)) body: ResponseDto,
  ) {
    return this.clientWork.respond(actor, params.assignmentId, body);
  }

  /** The care team's feedback on a session (modules offered with support). */
  @Post('assignments/:assignmentId/feedback')
  feedback(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(assignmentIdParamsSchema)) params: AssignmentIdParams,
    @Body(new ZodValidationPipe(feedbackSchema)) body: FeedbackDto,
  ) {
    return this.careTeamWork.giveFeedback(actor, params.assignmentId, body);
  }

  /** Professionals: open flags of their caseload's clients. */
  @Get('flags')
  @ApiResponse(200, openFlagsSchema)
  flags(@CurrentActor() actor: Actor) {
    return this.careTeamWork.openFlags(actor);
  }

  @Post('flags/:flagId/acknowledge')
  @HttpCode(204)
  async acknowledge(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(flagParamsSchema)) params: FlagParams,
  ) {
    await this.careTeamWork.acknowledgeFlag(actor, params.flagId);
  }
}
