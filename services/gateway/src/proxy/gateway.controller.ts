import { All, Controller, HttpCode, NotFoundException, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SESSION_COOKIE } from '../gateway.config';
import { SessionAuthenticator } from '../auth/session-authenticator';
import { SessionCache } from '../auth/session-cache';
import { UpstreamClient, type UpstreamResponse } from './upstream.client';
import { matchRoute } from './routes';

const cookieOptions = { httpOnly: true, secure: true, sameSite: 'strict', path: '/' } as const;

const relay = (res: Response, upstream: UpstreamResponse) => {
  if (upstream.retryAfter) res.setHeader('retry-after', upstream.retryAfter);
  return res.status(upstream.status).type(upstream.contentType).send(upstream.body);
};

@Controller('api')
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
      clientAddress: req.ip ?? req.socket.remoteAddress,
    });
    if (answer.status !== 200) return relay(res, answer);
    const session = JSON.parse(answer.body) as {
      token: string;
      expiresAt: string;
      user: { id: string; role: string; tenantId: string };
    };
    res.cookie(SESSION_COOKIE, session.token, { ...cookieOptions, expires: new Date(session.expiresAt) });
    return res.status(200).json({ user: session.user, expiresAt: session.expiresAt });
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

  /** Everything else: authenticate, then forward to the owning service with an internal token. */
  @All('*path')
  async forward(@Req() req: Request, @Res() res: Response) {
    const match = matchRoute(req.path);
    if (!match) throw new NotFoundException('Not found.');
    const actor = await this.auth.authenticate(req);
    const query = req.originalUrl.includes('?')
      ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1)
      : undefined;
    const hasBody = !['GET', 'HEAD', 'DELETE'].includes(req.method);
    const answer = await this.upstream.send(match.route.upstream, req.method, match.upstreamPath, {
      token: this.auth.mintToken(actor),
      body: hasBody ? (req.body ?? {}) : undefined,
      query,
    });
    return relay(res, answer);
  }
}
