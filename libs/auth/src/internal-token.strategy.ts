import { Inject, Injectable } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { PLATFORM_CONFIG, type BaseConfig } from '@therapy-room/platform';
import {
  INTERNAL_TOKEN_ALGORITHM,
  INTERNAL_TOKEN_ISSUER,
  actorFromClaims,
  keyForToken,
  type Actor,
  type PublicKeySet,
} from './internal-token';

export const INTERNAL_STRATEGY = 'internal-token';

/**
 * Verifies the gateway's internal token (Authorization: Bearer) against the public key set; only tokens
 * minted for this service (audience = its SERVICE_NAME) are accepted.
 */
@Injectable()
export class InternalTokenStrategy extends PassportStrategy(Strategy, INTERNAL_STRATEGY) {
  private readonly region: string;

  constructor(@Inject(PLATFORM_CONFIG) config: BaseConfig & { INTERNAL_TOKEN_PUBLIC_KEYS: PublicKeySet }) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      algorithms: [INTERNAL_TOKEN_ALGORITHM],
      issuer: INTERNAL_TOKEN_ISSUER,
      audience: config.SERVICE_NAME,
      secretOrKeyProvider: (_req: unknown, rawToken: string, done: (err: unknown, key?: string) => void) => {
        try {
          // jsonwebtoken verifies with a parsed KeyObject (passport-jwt's types only name strings).
          done(null, keyForToken(rawToken, config.INTERNAL_TOKEN_PUBLIC_KEYS) as KeyObject & string);
        } catch (err) {
          done(err);
        }
      },
    });
    this.region = config.REGION;
  }

  validate(payload: unknown): Actor {
    return actorFromClaims(payload, this.region);
  }
}
