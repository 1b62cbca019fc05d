import { Body, Controller, Get, Put, UseGuards } from '@nestjs/common';
import { ApiErrors, ApiResponse, ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { PolicyService } from './policy.service';
import { policySchema, type PolicyDto } from './dto/policy.dto';

/** Org admins: how long the organisation keeps health records, grace period, idle accounts. */
@Controller('retention/policy')
@UseGuards(InternalAuthGuard)
export class PolicyController {
  constructor(private readonly policies: PolicyService) {}

  @Get()
  @ApiResponse(200, policySchema)
  @ApiErrors(403)
  get(@CurrentActor() actor: Actor) {
    return this.policies.get(actor);
  }

  @Put()
  @ApiResponse(200, policySchema)
  @ApiErrors(403)
  set(@CurrentActor() actor: Actor, @Body(new ZodValidationPipe(policySchema)) body: PolicyDto) {
    return this.policies.set(actor, body);
  }
}
