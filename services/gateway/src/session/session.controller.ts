import { Controller, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SESSION_COOKIE } from '../gateway.config';
import { SessionAuthenticator } from '../auth/session-authenticator';
import { SessionCache } from '../auth/session-cache';
import { PrivacyAcknowledgementRequiredFilter } from '../auth/privacy-acknowledgement-required.exception';
import { UpstreamClient } from '../proxy/upstream.client';
import { clientAddress, relay } from '../proxy/relay';
import { sendSession, sessionCookieOptions } from './session-cookies';

/** What a staff member sees of a grant (identity's GrantView), without the session token. */
const GRANT_VIEW_FIELDS = [
  'id',
  'tenantId',
  'requesterId',
  'reason',
  'durationMinutes',
  'status',
  'active',
  'requestedAt',
  'decidedBy',
  'decidedAt',
  'validFrom',
  'validUntil',
  'revokedAt',
];

/**
 * The routes that change the session itself (logout, password change, privacy acknowledgement, using
 * a staff grant): each drops the cached session, and those that rotate it set the new cookie.
 */
@Controller('api')
@UseFilters(PrivacyAcknowledgementRequiredFilter)
export class SessionController {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly auth: SessionAuthenticator,
    private readonly cache: SessionCache,
  ) {}

  @Post('auth/logout')
  @HttpCode(204)
  async logout(@Req() req: Request, @Res() res: Response) {
    const actor = await this.auth.authenticate(req);
    const answer = await this.upstream.send('identity', 'POST', ['auth', 'logout'], { actor });
    this.cache.revoke(actor.sessionId);
    res.clearCookie(SESSION_COOKIE, sessionCookieOptions);
    if (answer.status >= 300) return relay(res, answer);
    return res.status(204).send();
  }

  /** Ends every session of the user (the gateways drop them on identity's revocation events). */
  @Post('auth/logout-everywhere')
  @HttpCode(204)
  async logoutEverywhere(@Req() req: Request, @Res() res: Response) {
    const actor = await this.auth.authenticate(req);
    const answer = await this.upstream.send('identity', 'POST', ['auth', 'logout-everywhere'], {
      actor,
      clientAddress: clientAddress(req),
    });
    if (answer.status >= 300) return relay(res, answer);
    this.cache.revoke(actor.sessionId);
    res.clearCookie(SESSION_COOKIE, sessionCookieOptions);
    return res.status(204).send();
  }

  /**
   * Password change: identity ends every session of the user and rotates this one; its new token
   * goes into the cookie, never into the body.
   */
  @Post('auth/password')
  async changePassword(@Req() req: Request, @Res() res: Response) {
    const actor = await this.auth.authenticate(req);
    const answer = await this.upstream.send('identity', 'POST', ['auth', 'password'], {
      actor,
      body: req.body ?? {},
      clientAddress: clientAddress(req),
    });
    if (answer.status !== 200) return relay(res, answer);
    this.cache.revoke(actor.sessionId);
    return sendSession(res, answer, ['expiresAt']);
  }

  /**
   * Acknowledges the organisation's privacy statement; on success the cached (gated) session is
   * dropped, so the very next request passes the gate.
   */
  @Post('auth/privacy-statement/acknowledge')
  async acknowledgePrivacyStatement(@Req() req: Request, @Res() res: Response) {
    const actor = await this.auth.authenticate(req);
    const answer = await this.upstream.send(
      'identity',
      'POST',
      ['auth', 'privacy-statement', 'acknowledge'],
      { actor, body: req.body ?? {}, clientAddress: clientAddress(req) },
    );
    if (answer.status < 300) this.cache.revoke(actor.sessionId);
    return relay(res, answer);
  }

  /**
   * Platform staff choose an approved grant for their session: a privilege change, so identity
   * replaces the session with a new one (new id and token) acting in the grant's organisation; its
   * token goes into the cookie and the old session is dropped from the cache at once. Ending the
   * grant (expiry, revocation) ends access within the cache's 5 s.
   */
  @Post('staff-access/grants/:id/use')
  async useStaffAccessGrant(@Req() req: Request, @Res() res: Response) {
    const actor = await this.auth.authenticate(req);
    const answer = await this.upstream.send(
      'identity',
      'POST',
      ['staff-access', 'grants', String(req.params.id), 'use'],
      { actor, clientAddress: clientAddress(req) },
    );
    if (answer.status !== 200) return relay(res, answer);
    this.cache.revoke(actor.sessionId);
    return sendSession(res, answer, [...GRANT_VIEW_FIELDS, 'expiresAt']);
  }
}
