import { ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { normaliseIpAddress, requestContext } from '@therapy-room/platform';
import { INTERNAL_STRATEGY } from './internal-token.strategy';
import type { Actor } from './internal-token';

/**
 * Requires a valid internal token; the actor joins the request context (logs, audit). A request with a
 * valid token comes from the gateway, which always sets x-client-address itself: that address becomes
 * the request's source address for audit entries (never for access decisions).
 */
@Injectable()
export class InternalAuthGuard extends AuthGuard(INTERNAL_STRATEGY) {
  override handleRequest<T = Actor>(
    err: unknown,
    actor: T | false,
    _info: unknown,
    context: ExecutionContext,
  ): T {
    if (err || !actor) throw new UnauthorizedException('Authentication required.');
    const a = actor as unknown as Actor;
    requestContext.assign({
      actor: { userId: a.userId, tenantId: a.tenantId, roles: a.roles, sessionId: a.sessionId },
      tenantId: a.tenantId,
    });
    const clientAddress = normaliseIpAddress(
      context.switchToHttp().getRequest<Request>().header?.('x-client-address'),
    );
    if (clientAddress) requestContext.assign({ sourceAddress: clientAddress });
    return actor;
  }
}
