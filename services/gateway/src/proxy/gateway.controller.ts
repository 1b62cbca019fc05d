import {
  All,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Post,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { SESSION_COOKIE } from '../gateway.config';
import { SessionAuthenticator } from '../auth/session-authenticator';
import { SessionCache } from '../auth/session-cache';
import { PrivacyAcknowledgementRequiredFilter } from '../auth/privacy-acknowledgement-required.exception';
import { StaffAccessRequiredException, isStaffWithoutGrant } from '../auth/staff-access-required.exception';
import {
  DEVICE_COOKIE,
  SSO_COOKIE,
  cookieToken,
  deviceCookieOptions,
  ssoCookieOptions,
} from '../auth/login-cookies';
import { UpstreamClient, type UpstreamResponse } from './upstream.client';
import { matchRoute } from './routes';

const cookieOptions = { httpOnly: true, secure: true, sameSite: 'strict', path: '/' } as const;

const relay = (res: Response, upstream: UpstreamResponse) => {
  if (upstream.retryAfter) res.setHeader('retry-after', upstream.retryAfter);
  return res.status(upstream.status).type(upstream.contentType).send(upstream.body);
};

/** The client's address as this gateway sees it (req.ip under the app's trust-proxy setting). */
const clientAddress = (req: Request) => req.ip ?? req.socket.remoteAddress;

/**
 * Identity's new session becomes the cookie the browser cannot read (and the device token, when
 * identity hands one out at login, the device cookie); the rest of the answer is returned.
 */
function setSessionCookies(res: Response, answer: UpstreamResponse): Record<string, unknown> {
  const { token, deviceToken, ...rest } = JSON.parse(answer.body) as {
    token: string;
    expiresAt: string;
    deviceToken?: unknown;
  } & Record<string, unknown>;
  res.cookie(SESSION_COOKIE, token, { ...cookieOptions, expires: new Date(rest.expiresAt) });
  if (typeof deviceToken === 'string') res.cookie(DEVICE_COOKIE, deviceToken, deviceCookieOptions);
  return rest;
}

/** The session as cookies (setSessionCookies); of the rest only the listed fields go back (never a token). */
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

function sendSession(res: Response, answer: UpstreamResponse, fields: string[]) {
  const rest = setSessionCookies(res, answer);
  return res
    .status(200)
    .json(Object.fromEntries(fields.filter((f) => rest[f] !== undefined).map((f) => [f, rest[f]])));
}

@Controller('api')
@UseFilters(PrivacyAcknowledgementRequiredFilter)
export class GatewayController {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly auth: SessionAuthenticator,
    private readonly cache: SessionCache,
  ) {}

  /**
   * Identity checks the credentials (and throttles by the client's address, which only the gateway
   * knows: req.ip under the app's trust-proxy setting); the gateway turns the session into a cookie
   * the browser cannot read.
   */
  @Post('auth/login')
  async login(@Req() req: Request, @Res() res: Response) {
    const answer = await this.upstream.send('identity', 'POST', '/auth/login', {
      body: req.body ?? {},
      clientAddress: clientAddress(req),
      deviceToken: cookieToken(req, DEVICE_COOKIE),
    });
    if (answer.status !== 200) return relay(res, answer);
    // A second factor is due: identity's challenge goes back as it is, and no cookie yet.
    if ((JSON.parse(answer.body) as { secondFactorRequired?: boolean }).secondFactorRequired)
      return relay(res, answer);
    return sendSession(res, answer, ['user', 'expiresAt']);
  }

  /**
   * The second login step (TOTP or recovery code against the login challenge, which is bound to the
   * client's address): on success the session becomes a cookie, as for a password-only login. The
   * recovery codes of an enrolment made during login are shown this once.
   */
  @Post('auth/login/second-factor')
  async loginSecondFactor(@Req() req: Request, @Res() res: Response) {
    const answer = await this.upstream.send('identity', 'POST', '/auth/login/second-factor', {
      body: req.body ?? {},
      clientAddress: clientAddress(req),
      deviceToken: cookieToken(req, DEVICE_COOKIE),
    });
    if (answer.status !== 200) return relay(res, answer);
    return sendSession(res, answer, ['user', 'expiresAt', 'recoveryCodes']);
  }

  @Post('auth/logout')
  @HttpCode(204)
  async logout(@Req() req: Request, @Res() res: Response) {
    const actor = await this.auth.authenticate(req);
    const answer = await this.upstream.send('identity', 'POST', '/auth/logout', {
      token: this.auth.mintToken(actor),
    });
    this.cache.revoke(actor.sessionId);
    res.clearCookie(SESSION_COOKIE, cookieOptions);
    if (answer.status >= 300) return relay(res, answer);
    return res.status(204).send();
  }

  /** Ends every session of the user (the gateways drop them on identity's revocation events). */
  @Post('auth/logout-everywhere')
  @HttpCode(204)
  async logoutEverywhere(@Req() req: Request, @Res() res: Response) {
    const actor = await this.auth.authenticate(req);
    const answer = await this.upstream.send('identity', 'POST', '/auth/logout-everywhere', {
      token: this.auth.mintToken(actor),
      clientAddress: clientAddress(req),
    });
    if (answer.status >= 300) return relay(res, answer);
    this.cache.revoke(actor.sessionId);
    res.clearCookie(SESSION_COOKIE, cookieOptions);
    return res.status(204).send();
  }

  /**
   * Password change: identity ends every session of the user and rotates this one; its new token
   * goes into the cookie, never into the body.
   */
  @Post('auth/password')
  async changePassword(@Req() req: Request, @Res() res: Response) {
    const actor = await this.auth.authenticate(req);
    const answer = await this.upstream.send('identity', 'POST', '/auth/password', {
      token: this.auth.mintToken(actor),
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
    const answer = await this.upstream.send('identity', 'POST', '/auth/privacy-statement/acknowledge', {
      token: this.auth.mintToken(actor),
      body: req.body ?? {},
      clientAddress: clientAddress(req),
    });
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
      `/staff-access/grants/${encodeURIComponent(String(req.params.id))}/use`,
      { token: this.auth.mintToken(actor), clientAddress: clientAddress(req) },
    );
    if (answer.status !== 200) return relay(res, answer);
    this.cache.revoke(actor.sessionId);
    return sendSession(res, answer, [...GRANT_VIEW_FIELDS, 'expiresAt']);
  }

  /**
   * Single sign-on, first leg: identity records the attempt (state, nonce, PKCE) and names the
   * organisation's provider; the browser gets a 10-minute binding cookie and is sent there.
   */
  @Get('auth/sso/:tenantSlug/start')
  async ssoStart(@Req() req: Request, @Res() res: Response) {
    const answer = await this.upstream.send('identity', 'POST', '/auth/sso/start', {
      body: { organisation: String(req.params.tenantSlug) },
      clientAddress: clientAddress(req),
    });
    if (answer.status !== 200) return relay(res, answer);
    const { authorizationUrl, binding, expiresAt } = JSON.parse(answer.body) as {
      authorizationUrl: string;
      binding: string;
      expiresAt: string;
    };
    res.cookie(SSO_COOKIE, binding, { ...ssoCookieOptions, expires: new Date(expiresAt) });
    return res.redirect(303, authorizationUrl);
  }

  /**
   * Single sign-on, second leg: the provider's redirect back. Identity checks state, binding, code,
   * ID token and account; on success the session becomes the cookie exactly as after a password
   * login, and the browser goes to the app. Any refusal is one generic 401 problem.
   */
  @Get('auth/sso/callback')
  async ssoCallback(@Req() req: Request, @Res() res: Response) {
    const param = (name: string) => {
      const value = req.query[name];
      return typeof value === 'string' ? value : undefined;
    };
    const binding = cookieToken(req, SSO_COOKIE);
    res.clearCookie(SSO_COOKIE, ssoCookieOptions);
    const answer = await this.upstream.send('identity', 'POST', '/auth/sso/callback', {
      body: { state: param('state'), code: param('code'), error: param('error'), iss: param('iss'), binding },
      clientAddress: clientAddress(req),
      deviceToken: cookieToken(req, DEVICE_COOKIE),
    });
    if (answer.status !== 200) return relay(res, answer);
    setSessionCookies(res, answer);
    return res.redirect(303, '/');
  }

  /**
   * Everything else: authenticate, then forward to the owning service with an internal token. Routes
   * marked public (activation, password reset) are forwarded with no session and no token; every
   * other route needs a session.
   */
  @All('*path')
  async forward(@Req() req: Request, @Res() res: Response) {
    const match = matchRoute(req.path);
    if (!match) throw new NotFoundException('Not found.');
    const actor = match.route.public ? undefined : await this.auth.authenticate(req);
    if (actor && isStaffWithoutGrant(actor) && !match.route.staffWithoutGrant) {
      throw new StaffAccessRequiredException();
    }
    const query = req.originalUrl.includes('?')
      ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1)
      : undefined;
    // A DELETE may carry a JSON body (e.g. the current code that turns 2FA off); GET and HEAD never do.
    const hasBody =
      !['GET', 'HEAD'].includes(req.method) && (req.method !== 'DELETE' || req.body !== undefined);
    const answer = await this.upstream.send(match.route.upstream, req.method, match.upstreamPath, {
      token: actor ? this.auth.mintToken(actor) : undefined,
      body: hasBody ? (req.body ?? {}) : undefined,
      query,
      // For the services' audit entries (the internal token vouches that the gateway set it).
      clientAddress: clientAddress(req),
    });
    return relay(res, answer);
  }
}
