import { BadRequestException, NotFoundException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AmbiguousPathError, requestTargetOf } from './request-target';

/** The gateway's own routes besides /api/… (the platform's health checks). */
const OWN_ROUTES = new Set(['health/live', 'health/ready']);

/**
 * Before anything else reads the path: parses the raw request target once (requestTargetOf) and
 * refuses an ambiguous one with 400; a path outside the gateway's surface is one generic 404 that
 * names nothing (not even the path asked for).
 */
export function requestTargetCheck(req: Request, _res: Response, next: NextFunction): void {
  let segments: readonly string[];
  try {
    ({ segments } = requestTargetOf(req));
  } catch (err) {
    if (err instanceof AmbiguousPathError)
      return next(new BadRequestException('The request path is not valid.'));
    return next(err);
  }
  const ours = (segments[0] === 'api' && segments.length > 1) || OWN_ROUTES.has(segments.join('/'));
  if (!ours) return next(new NotFoundException('Not found.'));
  next();
}
