import type { UserRole } from '@therapy-room/contracts';
import type { Actor } from './internal-token';

/**
 * What kind of actor a request comes from: platform staff count only while acting under an access
 * grant (without one they reach no organisation's data), then org admins, professionals, clients.
 */
export type ActorKind = 'org_admin' | 'staff' | 'professional' | 'client' | 'none';

export function actorKind(actor: Actor): ActorKind {
  if (actor.roles.includes('platform_staff')) return actor.grantId ? 'staff' : 'none';
  if (actor.roles.includes('org_admin')) return 'org_admin';
  if (actor.roles.includes('professional')) return 'professional';
  if (actor.roles.includes('client')) return 'client';
  return 'none';
}

/** The role recorded in audit entries. */
export const auditRole = (actor: Actor): UserRole => actor.roles[0];
