import { Controller, ForbiddenException, Get, Inject, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { PLATFORM_CONFIG, PLATFORM_LOGGER } from '@therapy-room/platform';
import type { GatewayConfig } from '../gateway.config';
import { SessionAuthenticator } from '../auth/session-authenticator';
import { PrivacyAcknowledgementRequiredFilter } from '../auth/privacy-acknowledgement-required.exception';
import { StaffAccessRequiredException, isStaffWithoutGrant } from '../auth/staff-access-required.exception';
import { UpstreamClient } from './upstream.client';

/**
 * Live streams (Server-Sent Events) pass through the gateway unbuffered: authenticated like every
 * route (session cookie, privacy gate, staff grant), then messaging's stream is piped to the browser
 * as it comes. Every SSE_HEARTBEAT_SECONDS the session is checked again (through the 5 s session
 * cache, which identity's revocation events empty at once), so a logout, a revoked session, a new
 * privacy statement or the end of the staff access grant it was opened under ends the stream; a
 * comment line keeps idle proxies from closing it. When the browser goes away the upstream request
 * is aborted, and when messaging ends the stream (restart, shutdown) the browser's connection is
 * closed so that EventSource reconnects.
 */
@Controller('api/messaging')
@UseFilters(PrivacyAcknowledgementRequiredFilter)
export class EventStreamController {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly auth: SessionAuthenticator,
    @Inject(PLATFORM_CONFIG) private readonly config: GatewayConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  @Get('stream')
  async stream(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (req.header('sec-fetch-site') === 'cross-site') {
      throw new ForbiddenException('Cross-site requests are not accepted.');
    }
    const actor = await this.auth.authenticate(req);
    if (isStaffWithoutGrant(actor)) throw new StaffAccessRequiredException();
    const upstreamAbort = new AbortController();
    const answer = await this.upstream.openStream('messaging', ['messaging', 'stream'], {
      actor,
      clientAddress: req.ip ?? req.socket.remoteAddress,
      signal: upstreamAbort.signal,
    });
    if (answer.status !== 200 || !answer.body) {
      // A refusal (401, 403, 429…) is an ordinary problem answer: relay it whole.
      const body = await answer.text();
      res
        .status(answer.status)
        .type(answer.headers.get('content-type') ?? 'application/json')
        .send(body);
      return;
    }
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-store, no-transform');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    res.socket?.setNoDelay(true);

    let ended = false;
    const end = (reason: string) => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      upstreamAbort.abort();
      if (!res.writableEnded) res.end();
      this.logger.debug({ reason, sessionId: actor.sessionId }, 'event stream ended');
    };
    const heartbeat = setInterval(() => {
      this.auth.recheck(req, actor).then(
        () => !ended && res.write(': keep-alive\n\n'),
        () => end('session no longer valid'),
      );
    }, this.config.SSE_HEARTBEAT_SECONDS * 1000);
    heartbeat.unref();
    req.once('close', () => end('client closed'));
    res.once('close', () => end('client closed'));

    const reader = answer.body.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done || ended) break;
        res.write(value);
      }
      end('upstream ended');
    } catch {
      end(upstreamAbort.signal.aborted ? 'client closed' : 'upstream failed');
    }
  }
}
