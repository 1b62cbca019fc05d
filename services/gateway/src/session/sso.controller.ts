import { Controller, Get, HttpException, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DEVICE_COOKIE, SSO_COOKIE, cookieToken, ssoCookieOptions } from '../auth/login-cookies';
import { UpstreamClient, type UpstreamResponse } from '../proxy/upstream.client';
import { clientAddress, relay } from '../proxy/relay';
import { setSessionCookies } from './session-cookies';
import { SessionReplacement } from './session-replacement';

/** What the login page says about an SSO step that did not end in a session (`/login?sso=<code>`). */
export type SsoErrorCode = 'failed' | 'not_available' | 'provider_unavailable' | 'throttled';

export const ssoErrorCodeOf = (status: number): SsoErrorCode =>
  status === 404
    ? 'not_available'
    : status === 429
      ? 'throttled'
      : status === 502 || status === 503
        ? 'provider_unavailable'
        : 'failed';

/** A browser navigating (not the app's fetch, not an API client): it should end on a page, not JSON. */
const isNavigation = (req: Request) => req.get('sec-fetch-mode') === 'navigate';

/**
 * Both legs are reached by browser navigation: a refusal there ends on the web app's login page with a
 * code it explains (303 to /login?sso=…), never on a JSON body. Anything else (the app's fetch, API
 * clients) gets the problem+json answer as it is.
 */
async function endsOnPage(req: Request, res: Response, leg: () => Promise<unknown>): Promise<unknown> {
  try {
    return await leg();
  } catch (err) {
    if (!isNavigation(req) || !(err instanceof HttpException)) throw err;
    return res.redirect(303, `/login?sso=${ssoErrorCodeOf(err.getStatus())}`);
  }
}

/** Single sign-on through the organisation's OIDC provider: two browser redirects around identity. */
@Controller('api/auth/sso')
export class SsoController {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly replacement: SessionReplacement,
  ) {}

  /**
   * Whether the organisation offers single sign-on, for the sign-in page's button: nothing is recorded
   * and no provider is asked (`start` records an attempt each time). An unknown organisation: no.
   */
  @Get(':tenantSlug/available')
  async ssoAvailable(@Req() req: Request, @Res() res: Response) {
    const answer = await this.upstream.send('identity', 'POST', ['auth', 'sso', 'available'], {
      body: { organisation: String(req.params.tenantSlug) },
      clientAddress: clientAddress(req),
    });
    return relay(res, answer);
  }

  /**
   * First leg: identity records the attempt (state, nonce, PKCE) and names the organisation's
   * provider; the browser gets a 10-minute binding cookie and is sent there.
   */
  @Get(':tenantSlug/start')
  ssoStart(@Req() req: Request, @Res() res: Response) {
    return endsOnPage(req, res, () => this.start(req, res));
  }

  private async start(req: Request, res: Response) {
    const answer = await this.upstream.send('identity', 'POST', ['auth', 'sso', 'start'], {
      body: { organisation: String(req.params.tenantSlug) },
      clientAddress: clientAddress(req),
    });
    if (answer.status !== 200) return this.refused(req, res, answer);
    const { authorizationUrl, binding, expiresAt } = JSON.parse(answer.body) as {
      authorizationUrl: string;
      binding: string;
      expiresAt: string;
    };
    res.cookie(SSO_COOKIE, binding, { ...ssoCookieOptions, expires: new Date(expiresAt) });
    return res.redirect(303, authorizationUrl);
  }

  /**
   * Second leg: the provider's redirect back. Identity checks state, binding, code, ID token and
   * account; on success the session becomes the cookie exactly as after a password login, and the
   * browser goes to the app. Any refusal is one generic 401 problem.
   */
  @Get('callback')
  ssoCallback(@Req() req: Request, @Res() res: Response) {
    return endsOnPage(req, res, () => this.callback(req, res));
  }

  private async callback(req: Request, res: Response) {
    const param = (name: string) => {
      const value = req.query[name];
      return typeof value === 'string' ? value : undefined;
    };
    const binding = cookieToken(req, SSO_COOKIE);
    res.clearCookie(SSO_COOKIE, ssoCookieOptions);
    const answer = await this.upstream.send('identity', 'POST', ['auth', 'sso', 'callback'], {
      body: { state: param('state'), code: param('code'), error: param('error'), iss: param('iss'), binding },
      clientAddress: clientAddress(req),
      deviceToken: cookieToken(req, DEVICE_COOKIE),
    });
    if (answer.status !== 200) return this.refused(req, res, answer);
    await this.replacement.endPrevious(req);
    setSessionCookies(res, answer);
    return res.redirect(303, '/');
  }

  /** Identity's refusal: problem+json for fetch and API clients, the login page for a browser. */
  private refused(req: Request, res: Response, answer: UpstreamResponse) {
    if (!isNavigation(req)) return relay(res, answer);
    return res.redirect(303, `/login?sso=${ssoErrorCodeOf(answer.status)}`);
  }
}
