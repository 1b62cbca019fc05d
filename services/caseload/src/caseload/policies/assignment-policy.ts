import type { ActorKind } from '@therapy-room/auth';

/** What is known when someone asks to add a client to a professional's caseload. */
export interface AssignmentRequest {
  actorKind: ActorKind;
  actorId: string;
  /** Whose caseload the client is to join. */
  professionalId: string;
  /** The actor already has the client in their own caseload. */
  actorAssigned: boolean;
  /** The client is in anyone's caseload right now. */
  clientTaken: boolean;
  /** The organisation lets professionals take a client nobody has (caseload setting, default off). */
  professionalsMayTakeUnassigned: boolean;
}

/**
 * - `assign`: an org admin (any client to any professional), or a professional adding a client of
 *   their own caseload to a colleague's as well (shared care) — or to their own again (then: 409);
 * - `self_assign`: a professional taking a client nobody has, where the organisation allows it (audited
 *   as such);
 * - `refused`: anyone else. Taking a client who is in someone else's caseload, or any client where the
 *   organisation does not allow it, is how a professional removed from a caseload would come back.
 */
export type AssignmentDecision = 'assign' | 'self_assign' | 'refused';

export function decideAssignment(r: AssignmentRequest): AssignmentDecision {
  if (r.actorKind === 'org_admin') return 'assign';
  if (r.actorKind !== 'professional') return 'refused';
  if (r.actorAssigned) return 'assign';
  if (r.professionalId === r.actorId && !r.clientTaken && r.professionalsMayTakeUnassigned) {
    return 'self_assign';
  }
  return 'refused';
}
