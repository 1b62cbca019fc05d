import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG } from '@therapy-room/platform';
import {
  gatewayCallPurpose,
  signGatewayServiceToken,
  signInternalToken,
  type Actor,
  type InternalAudience,
} from '@therapy-room/auth';
import type { GatewayConfig } from '../gateway.config';

/**
 * The gateway's credentials on its calls to the services, each minted for the one service it goes to:
 * the actor's internal token, or, on a call without a user (login, session resolution…), the
 * gateway's own service token for that method and path.
 */
@Injectable()
export class InternalTokenSigner {
  constructor(@Inject(PLATFORM_CONFIG) private readonly config: GatewayConfig) {}

  private get key() {
    return { kid: this.config.INTERNAL_TOKEN_KID, privateKeyPem: this.config.INTERNAL_TOKEN_PRIVATE_KEY };
  }

  forActor(actor: Actor, upstream: InternalAudience): string {
    return signInternalToken(actor, this.key, upstream, this.config.INTERNAL_TOKEN_TTL_SECONDS);
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
