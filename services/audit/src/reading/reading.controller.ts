import { Controller, Get, Header, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { ApiInput, ApiResponse, ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { ReadingService } from './reading.service';
import {
  contactHistoryQuerySchema,
  exportQuerySchema,
  searchQuerySchema,
  type ContactHistoryQuery,
  type ExportQuery,
  type SearchQuery,
} from './dto/reading.dto';

/** The page size the API document states (AUDIT_MAX_PAGE_SIZE's default; the service reads its own). */
const DOCUMENTED_PAGE_SIZE = 100;

@Controller('audit')
@UseGuards(InternalAuthGuard)
export class ReadingController {
  private readonly historyQuery: ZodValidationPipe<ReturnType<typeof contactHistoryQuerySchema>>;
  private readonly searchQuery: ZodValidationPipe<ReturnType<typeof searchQuerySchema>>;

  constructor(private readonly reading: ReadingService) {
    this.historyQuery = new ZodValidationPipe(contactHistoryQuerySchema(reading.maxPageSize));
    this.searchQuery = new ZodValidationPipe(searchQuerySchema(reading.maxPageSize));
  }

  /** The client's own contact history: who accessed their record, newest first. */
  @Get('me/contact-history')
  @ApiInput('query', contactHistoryQuerySchema(DOCUMENTED_PAGE_SIZE))
  contactHistory(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.reading.contactHistory(actor, this.historyQuery.transform(query) as ContactHistoryQuery);
  }

  /** Org admins: their organisation's log by client, user, action, outcome and period. */
  @Get('records')
  @ApiInput('query', searchQuerySchema(DOCUMENTED_PAGE_SIZE))
  search(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.reading.search(actor, this.searchQuery.transform(query) as SearchQuery);
  }

  @Get('records.csv')
  @ApiResponse(200, z.string(), {
    contentType: 'text/csv',
    description: 'The log as CSV, one record a line.',
  })
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="audit-log.csv"')
  @Header('cache-control', 'no-store')
  export(
    @CurrentActor() actor: Actor,
    @Query(new ZodValidationPipe(exportQuerySchema)) query: ExportQuery,
  ): Promise<string> {
    return this.reading.exportCsv(actor, query);
  }
}
