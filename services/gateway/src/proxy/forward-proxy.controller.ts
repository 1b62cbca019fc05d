import {
  All,
  Controller,
  MethodNotAllowedException,
  NotFoundException,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { SessionAuthenticator } from '../auth/session-authenticator';
import { PrivacyAcknowledgementRequiredFilter } from '../auth/privacy-acknowledgement-required.exception';
import { StaffAccessRequiredException, isStaffWithoutGrant } from '../auth/staff-access-required.exception';
import { FORWARDED_METHODS, UpstreamClient } from './upstream.client';
import { requestTargetOf } from './request-target';
import { matchRoute } from './routes';
import { clientAddress, relay } from './relay';

/**
 * Everything else under /api: authenticate, then forward to the owning service with an internal token
 * minted for it. Routes marked public (activation, password reset, shared reports) are forwarded with
 * no session (and the gateway's own service token); every other route needs a session. The route is
 * matched on the request's one parsed list of segments (requestTargetOf), and the upstream URL is
 * built from that same list. Registered last: its catch-all must not shadow the other controllers.
 */
@Controller('api')
@UseFilters(PrivacyAcknowledgementRequiredFilter)
export class ForwardProxyController {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly auth: SessionAuthenticator,
  ) {}

  @All('*path')
  async forward(@Req() req: Request, @Res() res: Response) {
    const { segments, query } = requestTargetOf(req);
    const match = matchRoute(segments);
    if (!match) throw new NotFoundException('Not found.');
    if (!FORWARDED_METHODS.has(req.method)) {
      res.setHeader('allow', [...FORWARDED_METHODS].join(', '));
      throw new MethodNotAllowedException('This method is not allowed.');
    }
    const actor = match.route.public ? undefined : await this.auth.authenticate(req);
    if (actor && isStaffWithoutGrant(actor) && !match.route.staffWithoutGrant) {
      throw new StaffAccessRequiredException();
    }
    // A DELETE may carry a JSON body (e.g. the current code that turns 2FA off); GET and HEAD never do.
    const hasBody =
      !['GET', 'HEAD'].includes(req.method) && (req.method !== 'DELETE' || req.body !== undefined);
    const answer = await this.upstream.send(match.route.upstream, req.method, match.upstreamPath, {
      actor,
      body: hasBody ? (req.body ?? {}) : undefined,
      query,
      within: match.target,
      // For the services' audit entries (the internal token vouches that the gateway set it).
      clientAddress: clientAddress(req),
    });
    return relay(res, answer);
  }
}
