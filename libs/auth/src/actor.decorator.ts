import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Actor } from './internal-token';

/** The authenticated actor of this request (set by InternalAuthGuard). */
export const CurrentActor = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Actor => ctx.switchToHttp().getRequest<{ user: Actor }>().user,
);
