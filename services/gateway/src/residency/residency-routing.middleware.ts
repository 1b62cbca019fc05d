import { Inject, Injectable, NestMiddleware, ServiceUnavailableException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { PLATFORM_CONFIG, PLATFORM_LOGGER, PROBLEM_CONTENT_TYPE } from '@therapy-room/platform';
import type { GatewayConfig } from '../gateway.config';
import { AmbiguousPathError, requestTargetOf, type RequestTarget } from '../proxy/request-target';
import { OrganisationDirectory } from './organisation-directory';
import { organisationNamedBy, routingAnswer } from './residency-route';

/**
 * Data residency at the door: a flow that names another region's organisation leaves before anything
 * about it is evaluated here (no throttle counter, no audit entry, no session lookup, nothing forwarded
 * to identity), with one log line naming the flow and the region only. A slug the directory does not
 * know goes on exactly as before, so the directory reveals nothing that a login attempt would not.
 *
 * Installed twice: ahead of the browser app (the gateway's `httpMiddleware`), where it routes what a
 * request names in its path or query (a link's page, the SSO start) before the app's page is served;
 * and after the body parser, before the controllers and the proxy, where it routes what a call names in
 * its body (login, reset request, spending a link's token). A request the first answered never reaches
 * the second; one it let through is looked up again, with the same answer.
 */
@Injectable()
export class ResidencyRoutingMiddleware implements NestMiddleware {
  constructor(
    private readonly directory: OrganisationDirectory,
    @Inject(PLATFORM_CONFIG) private readonly config: GatewayConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  use(req: Request, res: Response, next: NextFunction) {
    let target: RequestTarget;
    try {
      target = requestTargetOf(req);
    } catch (err) {
      // Refused by the gateway's path check, which comes next.
      if (err instanceof AmbiguousPathError) return next();
      return next(err);
    }
    const named = organisationNamedBy(req.method, target.segments, req.body, target.query);
    if (!named) return next();
    if (!this.directory.loaded) {
      res.setHeader('retry-after', '1');
      return next(new ServiceUnavailableException('The service is starting. Try again in a moment.'));
    }
    const answer = routingAnswer(this.directory.lookup(named.slug), this.config.REGION, {
      secFetchMode: req.header('sec-fetch-mode'),
      originalUrl: req.originalUrl,
    });
    if (answer.kind === 'here') return next();
    if (answer.kind === 'redirect') {
      this.logger.info(
        { flow: named.flow, toRegion: this.directory.lookup(named.slug)?.region, status: 307 },
        'routed to home region',
      );
      res.setHeader('cache-control', 'no-store');
      return res.redirect(answer.status, answer.location);
    }
    this.logger.info({ flow: named.flow, toRegion: answer.region, status: 421 }, 'routed to home region');
    const requestId = res.getHeader('x-request-id');
    res.setHeader('cache-control', 'no-store');
    return res
      .status(421)
      .type(PROBLEM_CONTENT_TYPE)
      .send(
        JSON.stringify({
          type: 'about:blank',
          title: 'Misdirected Request',
          status: 421,
          detail: `This organisation is served by the ${answer.region} region at ${answer.baseUrl}.`,
          code: 'OTHER_REGION',
          region: answer.region,
          baseUrl: answer.baseUrl,
          ...(typeof requestId === 'string' ? { requestId } : {}),
        }),
      );
  }
}
