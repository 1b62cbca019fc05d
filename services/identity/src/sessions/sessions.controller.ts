import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { SessionsService } from './sessions.service';
import { loginSchema, resolveSessionSchema, type LoginDto } from './dto/login.dto';

/**
 * Reached only by the gateway (network policy): login and session resolution happen before there is
 * an actor, so these two routes carry no internal token.
 */
@Controller()
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post('auth/login')
  @HttpCode(200)
  login(@Body(new ZodValidationPipe(loginSchema)) body: LoginDto) {
    return this.sessions.login(body);
  }

  @Post('sessions/resolve')
  @HttpCode(200)
  resolve(@Body(new ZodValidationPipe(resolveSessionSchema)) body: { token: string }) {
    return this.sessions.resolve(body.token);
  }

  @Post('auth/logout')
  @HttpCode(204)
  @UseGuards(InternalAuthGuard)
  async logout(@CurrentActor() actor: Actor) {
    await this.sessions.logout(actor);
  }
}
