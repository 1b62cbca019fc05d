/** The states of a request (a persisted state machine; request_transition keeps each change). */
export type RequestState =
  | 'requested'
  | 'approved'
  | 'pending'
  | 'running'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'refused';
export type RequestKind = 'erasure' | 'export';
export type RequestReason = 'client_request' | 'retention_expired';

export const openStates: readonly RequestState[] = ['requested', 'approved', 'pending', 'running'];

export interface SubjectRequest {
  id: string;
  tenantId: string;
  subjectId: string | null;
  subjectPs: string;
  kind: RequestKind;
  reason: RequestReason;
  state: RequestState;
  requestedBy: string | null;
  requestedByRole: string;
  requestedAt: Date;
  approvedBy: string | null;
  approvedAt: Date | null;
  runsAt: Date | null;
  onHold: boolean;
  attempts: number;
  lastSentAt: Date | null;
  stuckAt: Date | null;
  possibleFrom: string | null;
  completedAt: Date | null;
}

/** Allowed moves; anything else is a programming error or a WRONG_STATE answer. */
const transitions: Record<RequestState, readonly RequestState[]> = {
  requested: ['approved', 'cancelled'],
  approved: ['pending', 'running'],
  pending: ['running', 'cancelled'],
  running: ['completed', 'failed'],
  completed: [],
  failed: [],
  cancelled: [],
  refused: [],
};

export const canMove = (from: RequestState, to: RequestState): boolean => transitions[from].includes(to);
