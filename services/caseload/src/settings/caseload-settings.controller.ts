import { Body, Controller, Get, Put, UseGuards } from '@nestjs/common';
import { ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { CaseloadSettingsService } from './caseload-settings.service';
import { caseloadSettingsSchema, type CaseloadSettingsDto } from './dto/caseload-settings.dto';

@Controller('caseload/settings')
@UseGuards(InternalAuthGuard)
export class CaseloadSettingsController {
  constructor(private readonly settings: CaseloadSettingsService) {}

  @Get()
  get(@CurrentActor() actor: Actor) {
    return this.settings.get(actor);
  }

  /** Org admins: the organisation's caseload rules. */
  @Put()
  set(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(caseloadSettingsSchema)) body: CaseloadSettingsDto,
  ) {
    return this.settings.set(actor, body);
  }
}
