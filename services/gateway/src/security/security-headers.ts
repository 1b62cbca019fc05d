import { ForbiddenException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Security headers on every answer, and the cross-site request defence for cookie sessions: besides
 * SameSite=Strict, a state-changing request must be JSON (a cross-site HTML form cannot send that
 * without a CORS preflight, which the gateway never grants) and must not be marked cross-site by
 * the browser (Sec-Fetch-Site). Installed ahead of the body parser and routing (PlatformModule's
 * httpMiddleware), so parser errors (400, 413, 415), path refusals and 404s carry the headers too.
 */
export function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
  if (stateChanging.has(req.method)) {
    if (req.header('sec-fetch-site') === 'cross-site') {
      return next(new ForbiddenException('Cross-site requests are not accepted.'));
    }
    const hasBody =
      Number(req.header('content-length') ?? 0) > 0 || req.header('transfer-encoding') !== undefined;
    if (hasBody && !req.is(['application/json', 'application/*+json'])) {
      return next(new UnsupportedMediaTypeException('Send the request body as application/json.'));
    }
  }
  next();
}
