import { createPrivateKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Clock, PLATFORM_CONFIG } from '@therapy-room/platform';
import {
  gatewayCallPurpose,
  signGatewayServiceToken,
  signInternalToken,
  type Actor,
  type InternalAudience,
} from '@therapy-room/auth';
import type { GatewayConfig } from '../gateway.config';

/** Actor tokens kept for reuse at once (one per active session and service in practice). */
const MAX_CACHED_TOKENS = 10_000;

/**
 * The gateway's credentials on its calls to the services, each minted for the one service it goes to:
 * the actor's internal token, or, on a call without a user (login, session resolution…), the
 * gateway's own service token for that method and path (never reused: identity refuses a replay).
 * The private key is parsed once; an actor's token for a service is reused for the first half of its
 * lifetime (the session is still checked on every request before a token is handed out), so a busy
 * session costs one ES256 signature per half-TTL instead of one per request.
 */
@Injectable()
export class InternalTokenSigner {
  private readonly key: { kid: string; privateKeyPem: KeyObject };
  private readonly tokens = new Map<string, { token: string; reuseUntil: number }>();

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: GatewayConfig,
    private readonly clock: Clock,
  ) {
    this.key = {
      kid: config.INTERNAL_TOKEN_KID,
      privateKeyPem: createPrivateKey(config.INTERNAL_TOKEN_PRIVATE_KEY),
    };
  }

  forActor(actor: Actor, upstream: InternalAudience): string {
    const cacheKey = JSON.stringify([
      upstream,
      actor.userId,
      actor.tenantId,
      actor.sessionId,
      actor.region,
      actor.roles,
      actor.grantId ?? null,
      actor.grantResponsible ?? null,
    ]);
    const now = this.clock.now().getTime();
    const cached = this.tokens.get(cacheKey);
    if (cached && cached.reuseUntil > now) return cached.token;
    const token = signInternalToken(actor, this.key, upstream, this.config.INTERNAL_TOKEN_TTL_SECONDS);
    this.tokens.delete(cacheKey);
    this.tokens.set(cacheKey, {
      token,
      reuseUntil: now + (this.config.INTERNAL_TOKEN_TTL_SECONDS * 1000) / 2,
    });
    // Oldest first: the map keeps insertion order.
    if (this.tokens.size > MAX_CACHED_TOKENS) this.tokens.delete(this.tokens.keys().next().value!);
    return token;
  }

  forGateway(upstream: InternalAudience, method: string, pathname: string): string {
    return signGatewayServiceToken(
      this.key,
      upstream,
      gatewayCallPurpose(method, pathname),
      this.config.INTERNAL_TOKEN_TTL_SECONDS,
    );
  }
}
