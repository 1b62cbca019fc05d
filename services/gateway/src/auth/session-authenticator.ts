import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { PLATFORM_CONFIG, requestContext } from '@therapy-room/platform';
import { actorSchema, type Actor } from '@therapy-room/auth';
import { SESSION_COOKIE, type GatewayConfig } from '../gateway.config';
import { UpstreamClient } from '../proxy/upstream.client';
import { z } from 'zod';
import { SessionCache, type CachedSession } from './session-cache';
import { PrivacyAcknowledgementRequiredException } from './privacy-acknowledgement-required.exception';
import { StaffRequestAudit } from './staff-request-audit';

/** What identity adds to the actor when it resolves a session (actorSchema itself stays as it is). */
const privacyGateSchema = z.object({
  privacyAcknowledgementRequired: z.boolean(),
  privacyStatementVersion: z.number().int().positive().nullable(),
});

/**
 * What a user who has not acknowledged the organisation's current privacy statement may still do:
 * read it, acknowledge it, see who they are, and leave. Everything else is refused at the gate.
 */
const ALLOWED_BEFORE_ACKNOWLEDGEMENT = new Set([
  'GET /api/tenant/privacy-statement',
  'POST /api/auth/privacy-statement/acknowledge',
  'GET /api/me',
  'POST /api/auth/logout',
  'POST /api/auth/logout-everywhere',
]);

/**
 * Turns the session cookie into an actor (identity owns sessions); UpstreamClient turns the actor into
 * a short-lived internal token for the service it calls. Every failure is the same 401.
 */
@Injectable()
export class SessionAuthenticator {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly cache: SessionCache,
    private readonly staffAudit: StaffRequestAudit,
    @Inject(PLATFORM_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * The actor of the request's session. Also the privacy gate, here so that no route can forget it:
   * a user who has not acknowledged the organisation's current privacy statement gets 403
   * PRIVACY_ACKNOWLEDGEMENT_REQUIRED on everything but ALLOWED_BEFORE_ACKNOWLEDGEMENT. An
   * organisation without a published statement has no gate.
   *
   * A request under a platform staff access grant is audited here, one entry per request, before
   * anything is forwarded (see StaffRequestAudit); when that fails the request is refused.
   */
  async authenticate(req: Request): Promise<Actor> {
    const actor = await this.check(req);
    if (actor.grantId) await this.staffAudit.record({ ...actor, grantId: actor.grantId }, req);
    return actor;
  }

  /**
   * A live stream's periodic check (no new request, so nothing is audited): the session must still
   * be valid and act exactly as when the stream opened. A staff grant that ended ends the stream.
   */
  async recheck(req: Request, opened: Actor): Promise<void> {
    const current = await this.check(req);
    if (current.sessionId !== opened.sessionId || current.grantId !== opened.grantId) {
      throw new UnauthorizedException('Authentication required.');
    }
  }

  /**
   * The actor of the request's session cookie when it is live, else null; no gate, nothing audited.
   * For a sign-in that is about to replace the cookie (its session is then ended: SessionReplacement).
   */
  async sessionOf(req: Request): Promise<Actor | null> {
    try {
      const {
        privacyAcknowledgementRequired: _p,
        privacyStatementVersion: _v,
        ...actor
      } = await this.resolve(req);
      return actor;
    } catch {
      return null;
    }
  }

  private async check(req: Request): Promise<Actor> {
    const session = await this.resolve(req);
    const { privacyAcknowledgementRequired, privacyStatementVersion, ...actor } = session;
    requestContext.assign({ actor, tenantId: actor.tenantId });
    if (
      privacyAcknowledgementRequired &&
      privacyStatementVersion &&
      !ALLOWED_BEFORE_ACKNOWLEDGEMENT.has(`${req.method} ${req.path}`)
    ) {
      throw new PrivacyAcknowledgementRequiredException(privacyStatementVersion);
    }
    return actor;
  }

  private async resolve(req: Request): Promise<CachedSession> {
    const token: unknown = req.cookies?.[SESSION_COOKIE];
    const unauthenticated = () => new UnauthorizedException('Authentication required.');
    if (typeof token !== 'string' || token.length < 20 || token.length > 200) throw unauthenticated();
    return this.cache.resolve(token, async () => {
      const res = await this.upstream.send('identity', 'POST', ['sessions', 'resolve'], { body: { token } });
      if (res.status !== 200) throw unauthenticated();
      const body: unknown = JSON.parse(res.body);
      const actor = actorSchema.safeParse(body);
      if (!actor.success || actor.data.region !== this.config.REGION) throw unauthenticated();
      // An identity without the gate (older release) answers no gate fields: nothing to hold back.
      const gate = privacyGateSchema.safeParse(body);
      return gate.success ? { ...actor.data, ...gate.data } : actor.data;
    });
  }
}
