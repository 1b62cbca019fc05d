import type { Actor } from '@therapy-room/auth';
import type { UserRole } from '@therapy-room/contracts';

/** Who takes part in conversations: a client and a professional. Everyone else has none. */
export type Participant = 'client' | 'professional';

export function participantKind(actor: Actor): Participant | null {
  // Platform staff and org admins never read conversations, whatever else they are.
  if (actor.roles.includes('platform_staff') || actor.roles.includes('org_admin')) return null;
  if (actor.roles.includes('professional')) return 'professional';
  if (actor.roles.includes('client')) return 'client';
  return null;
}

/** The role recorded in audit entries. */
export const auditRole = (actor: Actor): UserRole => actor.roles[0];

export interface ConversationParties {
  tenantId: string;
  clientId: string;
  professionalId: string;
}

/**
 * What the actor may do with one conversation, given whether its professional has a grant for its
 * client right now (caseload read model):
 * - the client: read always (they keep their history); write only while the professional still works
 *   with them;
 * - the professional: read and write while they have the grant; nothing (as if it did not exist) once
 *   they left the client's caseload or their colleague link ended;
 * - anyone else, any other organisation: nothing.
 */
export type ConversationAccess = 'read-write' | 'read-only' | 'none';

export function conversationAccess(
  actor: Actor,
  conversation: ConversationParties,
  professionalHasGrant: boolean,
): ConversationAccess {
  if (conversation.tenantId !== actor.tenantId) return 'none';
  const kind = participantKind(actor);
  if (kind === 'client' && conversation.clientId === actor.userId) {
    return professionalHasGrant ? 'read-write' : 'read-only';
  }
  if (kind === 'professional' && conversation.professionalId === actor.userId) {
    return professionalHasGrant ? 'read-write' : 'none';
  }
  return 'none';
}

/** The other participant of the conversation. */
export const counterpartOf = (conversation: ConversationParties, userId: string): string =>
  conversation.clientId === userId ? conversation.professionalId : conversation.clientId;
