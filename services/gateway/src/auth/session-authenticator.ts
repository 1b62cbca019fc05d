import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { PLATFORM_CONFIG, requestContext } from '@therapy-room/platform';
import { actorSchema, signInternalToken, type Actor } from '@therapy-room/auth';
import { SESSION_COOKIE, type GatewayConfig } from '../gateway.config';
import { UpstreamClient } from '../proxy/upstream.client';
import { SessionCache } from './session-cache';

/**
 * Turns the session cookie into an actor (identity owns sessions) and the actor into a short-lived
 * internal token for the owning service. Every failure is the same 401.
 */
@Injectable()
export class SessionAuthenticator {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly cache: SessionCache,
    @Inject(PLATFORM_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async authenticate(req: Request): Promise<Actor> {
    const token: unknown = req.cookies?.[SESSION_COOKIE];
    const unauthenticated = () => new UnauthorizedException('Authentication required.');
    if (typeof token !== 'string' || token.length < 20 || token.length > 200) throw unauthenticated();
    const cached = this.cache.get(token);
    if (cached) {
      requestContext.assign({ actor: cached, tenantId: cached.tenantId });
      return cached;
    }
    const res = await this.upstream.send('identity', 'POST', '/sessions/resolve', { body: { token } });
    if (res.status !== 200) throw unauthenticated();
    const actor = actorSchema.safeParse(JSON.parse(res.body));
    if (!actor.success || actor.data.region !== this.config.REGION) throw unauthenticated();
    this.cache.set(token, actor.data);
    requestContext.assign({ actor: actor.data, tenantId: actor.data.tenantId });
    return actor.data;
  }

  mintToken(actor: Actor): string {
    return signInternalToken(
      actor,
      { kid: this.config.INTERNAL_TOKEN_KID, privateKeyPem: this.config.INTERNAL_TOKEN_PRIVATE_KEY },
      this.config.INTERNAL_TOKEN_TTL_SECONDS,
    );
  }
}
