import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { PLATFORM_LOGGER } from '@therapy-room/platform';
import { SessionAuthenticator } from '../auth/session-authenticator';
import { SessionCache } from '../auth/session-cache';
import { UpstreamClient } from '../proxy/upstream.client';

/**
 * A browser that signs in while it still holds a live session (signing in again before an export, or
 * as someone else) gets a new session cookie: the old session would otherwise stay valid, unused,
 * until it idled out. It is ended at once instead, through identity's logout (audited `auth.logout`,
 * reason `replaced`), and dropped from this gateway's cache. A failure here never undoes the sign-in.
 */
@Injectable()
export class SessionReplacement {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly auth: SessionAuthenticator,
    private readonly cache: SessionCache,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  async endPrevious(req: Request): Promise<void> {
    const previous = await this.auth.sessionOf(req);
    if (!previous) return;
    try {
      const answer = await this.upstream.send('identity', 'POST', ['auth', 'logout'], {
        actor: previous,
        body: { reason: 'replaced' },
      });
      if (answer.status >= 300) this.logger.warn({ status: answer.status }, 'replaced session not ended');
    } catch (err) {
      this.logger.warn({ err: (err as Error).name }, 'replaced session not ended');
    }
    this.cache.revoke(previous.sessionId);
  }
}
