import { Controller, Get, Header, Query, UseGuards } from '@nestjs/common';
import { ZodValidationPipe } from '@therapy-room/platform';
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
  contactHistory(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.reading.contactHistory(actor, this.historyQuery.transform(query) as ContactHistoryQuery);
  }

  /** Org admins: their organisation's log by client, user, action, outcome and period. */
  @Get('records')
  search(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.reading.search(actor, this.searchQuery.transform(query) as SearchQuery);
  }

  @Get('records.csv')
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
