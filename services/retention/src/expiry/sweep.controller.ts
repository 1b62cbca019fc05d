import { Controller, Get, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { ApiErrors, ApiResponse } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { SweepService } from './sweep.service';

const dryRunSchema = z.object({
  asOf: z.iso.datetime(),
  policy: z.object({ country: z.enum(['NL', 'GB']), yearsAfterTreatment: z.int(), graceDays: z.int() }),
  /** The clients the sweep would schedule for erasure now, with the day their records expired. */
  items: z.array(z.object({ clientId: z.uuid(), endOfTreatment: z.iso.datetime(), expiredOn: z.iso.date() })),
});

/** Org admins: what the expiry sweep would erase in their organisation (nothing is changed). */
@Controller('retention/sweep')
@UseGuards(InternalAuthGuard)
export class SweepController {
  constructor(private readonly sweeps: SweepService) {}

  @Get('dry-run')
  @ApiResponse(200, dryRunSchema)
  @ApiErrors(403)
  dryRun(@CurrentActor() actor: Actor) {
    return this.sweeps.dryRun(actor);
  }
}
