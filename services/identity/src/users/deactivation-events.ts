import type { EntityManager } from 'typeorm';
import {
  identityUserDeactivatedV1,
  identityUserDeactivatedV2,
  type IdentityUserDeactivatedV2,
} from '@therapy-room/contracts';
import type { OutboxService } from '@therapy-room/platform';

/**
 * An account's deactivation, told to the other services: identity.user.deactivated.v2 always, and v1
 * beside it when an admin did it (v1 cannot say "no admin"), until every consumer reads v2.
 */
export async function publishDeactivation(
  outbox: OutboxService,
  manager: EntityManager,
  event: IdentityUserDeactivatedV2 & { tenantId: string },
): Promise<void> {
  const { tenantId, ...payload } = event;
  const scope = { tenantId, subjectId: payload.userId };
  await outbox.add(manager, identityUserDeactivatedV2, payload, scope);
  if (payload.byUserId) {
    await outbox.add(
      manager,
      identityUserDeactivatedV1,
      { userId: payload.userId, byUserId: payload.byUserId },
      scope,
    );
  }
}
