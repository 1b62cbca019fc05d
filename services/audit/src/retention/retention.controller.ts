import { Body, Controller, Get, Put, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { RetentionSettings } from './retention-settings';

const retentionSchema = z.object({ years: z.number().int().min(5).max(100) }).strict();

/** Org admins: how long their organisation's audit log is kept (at least 5 years). */
@Controller('audit/settings/retention')
@UseGuards(InternalAuthGuard)
export class RetentionController {
  constructor(private readonly settings: RetentionSettings) {}

  @Get()
  get(@CurrentActor() actor: Actor) {
    return this.settings.get(actor);
  }

  @Put()
  set(@CurrentActor() actor: Actor, @Body(new ZodValidationPipe(retentionSchema)) body: { years: number }) {
    return this.settings.set(actor, body.years);
  }
}
