import { Body, Controller, Delete, Get, HttpCode, Put, UseGuards } from '@nestjs/common';
import { ApiErrors, ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { SsoConfigService } from './sso-config.service';
import { ssoConfigSchema, type SsoConfigDto } from './dto/sso-config.dto';

/** The organisation's OIDC single sign-on configuration (org admins). */
@Controller('tenant/settings/sso')
@UseGuards(InternalAuthGuard)
export class SsoConfigController {
  constructor(private readonly configs: SsoConfigService) {}

  @Get()
  @ApiErrors(404)
  get(@CurrentActor() actor: Actor) {
    return this.configs.get(actor);
  }

  @Put()
  set(@CurrentActor() actor: Actor, @Body(new ZodValidationPipe(ssoConfigSchema)) body: SsoConfigDto) {
    return this.configs.set(actor, body);
  }

  @Delete()
  @ApiErrors(404)
  @HttpCode(204)
  async remove(@CurrentActor() actor: Actor) {
    await this.configs.remove(actor);
  }
}
