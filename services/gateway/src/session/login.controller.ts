import { Controller, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DEVICE_COOKIE, cookieToken } from '../auth/login-cookies';
import { UpstreamClient } from '../proxy/upstream.client';
import { clientAddress, relay } from '../proxy/relay';
import { sendSession } from './session-cookies';
import { SessionReplacement } from './session-replacement';

/**
 * Password login and its second step. Identity checks the credentials (and throttles by the client's
 * address, which only the gateway knows: req.ip under the app's trust-proxy setting); the gateway
 * turns the session into a cookie the browser cannot read. A session the browser still held is ended
 * (SessionReplacement): signing in again never leaves a second live session behind.
 */
@Controller('api/auth/login')
export class LoginController {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly replacement: SessionReplacement,
  ) {}

  @Post()
  async login(@Req() req: Request, @Res() res: Response) {
    const answer = await this.upstream.send('identity', 'POST', ['auth', 'login'], {
      body: req.body ?? {},
      clientAddress: clientAddress(req),
      deviceToken: cookieToken(req, DEVICE_COOKIE),
    });
    if (answer.status !== 200) return relay(res, answer);
    // A second factor is due: identity's challenge goes back as it is, and no cookie yet.
    if ((JSON.parse(answer.body) as { secondFactorRequired?: boolean }).secondFactorRequired)
      return relay(res, answer);
    await this.replacement.endPrevious(req);
    return sendSession(res, answer, ['user', 'expiresAt']);
  }

  /**
   * The second login step (TOTP or recovery code against the login challenge, which is bound to the
   * client's address): on success the session becomes a cookie, as for a password-only login. The
   * recovery codes of an enrolment made during login are shown this once.
   */
  @Post('second-factor')
  async loginSecondFactor(@Req() req: Request, @Res() res: Response) {
    const answer = await this.upstream.send('identity', 'POST', ['auth', 'login', 'second-factor'], {
      body: req.body ?? {},
      clientAddress: clientAddress(req),
      deviceToken: cookieToken(req, DEVICE_COOKIE),
    });
    if (answer.status !== 200) return relay(res, answer);
    await this.replacement.endPrevious(req);
    return sendSession(res, answer, ['user', 'expiresAt', 'recoveryCodes']);
  }
}
