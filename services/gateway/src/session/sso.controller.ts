import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DEVICE_COOKIE, SSO_COOKIE, cookieToken, ssoCookieOptions } from '../auth/login-cookies';
import { UpstreamClient } from '../proxy/upstream.client';
import { clientAddress, relay } from '../proxy/relay';
import { setSessionCookies } from './session-cookies';

/** Single sign-on through the organisation's OIDC provider: two browser redirects around identity. */
@Controller('api/auth/sso')
export class SsoController {
  constructor(private readonly upstream: UpstreamClient) {}

  /**
   * First leg: identity records the attempt (state, nonce, PKCE) and names the organisation's
   * provider; the browser gets a 10-minute binding cookie and is sent there.
   */
  @Get(':tenantSlug/start')
  async ssoStart(@Req() req: Request, @Res() res: Response) {
    const answer = await this.upstream.send('identity', 'POST', ['auth', 'sso', 'start'], {
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
   * Second leg: the provider's redirect back. Identity checks state, binding, code, ID token and
   * account; on success the session becomes the cookie exactly as after a password login, and the
   * browser goes to the app. Any refusal is one generic 401 problem.
   */
  @Get('callback')
  async ssoCallback(@Req() req: Request, @Res() res: Response) {
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
    if (answer.status !== 200) return relay(res, answer);
    setSessionCookies(res, answer);
    return res.redirect(303, '/');
  }
}
