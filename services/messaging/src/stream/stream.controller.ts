import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiErrors, ApiResponse } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { MessagingErrorCode, MessagingException } from '../common/messaging.exception';
import { participantKind } from '../conversations/policies/conversation-access';
import { StreamHub } from './stream-hub';

/**
 * The live stream of the actor's conversations (text/event-stream): `message` and `read` events with
 * ids and times, heartbeats as comments. The gateway passes it through (GET /api/messaging/stream).
 */
@Controller('messaging')
@UseGuards(InternalAuthGuard)
export class StreamController {
  constructor(private readonly hub: StreamHub) {}

  @Get('stream')
  @ApiResponse(200, undefined, {
    contentType: 'text/event-stream',
    description: '`message` and `read` events (ids and times), heartbeats as comments',
  })
  @ApiErrors(429)
  async stream(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!participantKind(actor)) {
      throw new MessagingException(
        MessagingErrorCode.Forbidden,
        'Only clients and professionals have conversations.',
      );
    }
    await this.hub.open(actor, req, res);
  }
}
