import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { PLATFORM_CONFIG, PLATFORM_LOGGER, type BaseConfig } from '@therapy-room/platform';
import type { PublicKeySet } from './internal-token';
import { gatewayCallPurpose, verifyGatewayServiceToken } from './gateway-service-token';

/**
 * For the routes only the gateway may call, before there is a user (login, second factor, session
 * resolution, single sign-on, activation, password reset): the request must carry the gateway's
 * service token (Authorization: Bearer), minted for this service and for this very method and path,
 * and not seen before by this replica. The network policy is a second wall, not the credential: a
 * caller inside the cluster without the gateway's key gets 401, and so does an actor token.
 */
@Injectable()
export class GatewayCallerGuard implements CanActivate {
  /** Token ids seen, with their expiry (epoch seconds): a token is good for one call. */
  private readonly seen = new Map<string, number>();

  constructor(
    @Inject(PLATFORM_CONFIG)
    private readonly config: BaseConfig & { INTERNAL_TOKEN_PUBLIC_KEYS: PublicKeySet },
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const refuse = (reason: string) => {
      this.logger.warn({ reason, method: req.method, path: req.path }, 'gateway-only route refused');
      return new UnauthorizedException('Authentication required.');
    };
    const header = req.header('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (!token) throw refuse('no gateway credential');
    let claims;
    try {
      claims = verifyGatewayServiceToken(
        token,
        this.config.INTERNAL_TOKEN_PUBLIC_KEYS,
        this.config.SERVICE_NAME,
      );
    } catch (err) {
      throw refuse((err as Error).message);
    }
    if (claims.purpose !== gatewayCallPurpose(req.method, req.path)) throw refuse('token for another route');
    const now = Math.floor(Date.now() / 1000);
    // Insertion order is (nearly) expiry order: drop expired ids from the front.
    for (const [jti, exp] of this.seen) {
      if (exp >= now) break;
      this.seen.delete(jti);
    }
    if (this.seen.has(claims.jti)) throw refuse('token replayed');
    this.seen.set(claims.jti, claims.exp);
    return true;
  }
}
