import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiErrors, normaliseIpAddress, requestContext, ZodValidationPipe } from '@therapy-room/platform';
import { SharingService } from './sharing.service';
import { openShareSchema, type OpenShareDto } from './dto/sharing.dto';

/**
 * The recipient's side, reached through the gateway's public route (no session): the token in the
 * body (never in a URL, which logs and browser histories keep) is the credential.
 */
@Controller('shared-reports')
export class SharedReportController {
  constructor(private readonly sharing: SharingService) {}

  @Post('open')
  @ApiErrors(404)
  @HttpCode(200)
  open(@Req() req: Request, @Body(new ZodValidationPipe(openShareSchema)) body: OpenShareDto) {
    // The address the gateway saw (it always sets this header itself); for the audit entry only.
    requestContext.assign({
      sourceAddress:
        normaliseIpAddress(req.header('x-client-address')) ??
        normaliseIpAddress(req.socket.remoteAddress) ??
        '::',
    });
    return this.sharing.open(body.token);
  }
}
