import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { clientIdParamsSchema, type ClientIdParams } from '../assignments/dto/assignments.dto';
import { reportQuerySchema, type ReportQuery } from './dto/reports.dto';
import { ReportsService } from './reports.service';

@Controller('content')
@UseGuards(InternalAuthGuard)
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /** Diary values and scores over time (the client themself, or their care team). */
  @Get('clients/:clientId/report')
  report(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(clientIdParamsSchema)) params: ClientIdParams,
    @Query(new ZodValidationPipe(reportQuerySchema)) query: ReportQuery,
  ) {
    return this.reports.forClient(actor, params.clientId, query);
  }
}
