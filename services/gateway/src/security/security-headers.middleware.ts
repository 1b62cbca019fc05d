import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { PROBLEM_CONTENT_TYPE } from '@therapy-room/platform';

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const refuse = (res: Response, status: number, title: string, detail: string) =>
  res
    .status(status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify({ type: 'about:blank', title, status, detail }));

/**
 * Security headers on every answer, and the cross-site request defence for cookie sessions: besides
 * SameSite=Strict, a state-changing request must be JSON (a cross-site HTML form cannot send that
 * without a CORS preflight, which the gateway never grants) and must not be marked cross-site by
 * the browser (Sec-Fetch-Site).
 */
@Injectable()
export class SecurityHeadersMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction) {
    res.setHeader('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Cache-Control', 'no-store');
    if (stateChanging.has(req.method)) {
      if (req.header('sec-fetch-site') === 'cross-site') {
        return refuse(res, 403, 'Forbidden', 'Cross-site requests are not accepted.');
      }
      const hasBody =
        Number(req.header('content-length') ?? 0) > 0 || req.header('transfer-encoding') !== undefined;
      if (hasBody && !req.is(['application/json', 'application/*+json'])) {
        return refuse(res, 415, 'Unsupported Media Type', 'Send the request body as application/json.');
      }
    }
    next();
  }
}
