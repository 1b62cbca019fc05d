import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { UsageService } from './usage.service';
import { usageQuerySchema, type UsageQuery } from './dto/usage.dto';

@Controller('content/usage')
@UseGuards(InternalAuthGuard)
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  /** Anonymous counts (small cells suppressed) for organisation administrators. */
  @Get()
  counts(@CurrentActor() actor: Actor, @Query(new ZodValidationPipe(usageQuerySchema)) query: UsageQuery) {
    return this.usage.counts(actor, query.scope);
  }
}
