import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiInput, ApiResponse, ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { ColleaguesService } from './colleagues.service';
import {
  colleaguesPageSchema,
  documentedListColleaguesQuery,
  listColleaguesQuerySchema,
  type ListColleaguesQuery,
} from './dto/colleagues.dto';

@Controller('caseload/colleagues')
@UseGuards(InternalAuthGuard)
export class ColleaguesController {
  private readonly query: ZodValidationPipe<ReturnType<typeof listColleaguesQuerySchema>>;

  constructor(private readonly colleagues: ColleaguesService) {
    this.query = new ZodValidationPipe(listColleaguesQuerySchema(colleagues.maxPageSize));
  }

  /** The organisation's active professionals other than the asker (id, name, role), to link to a client. */
  @Get()
  @ApiInput('query', documentedListColleaguesQuery)
  @ApiResponse(200, colleaguesPageSchema)
  list(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.colleagues.list(actor, this.query.transform(query) as ListColleaguesQuery);
  }
}
