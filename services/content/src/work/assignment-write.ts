import type { AuditBasis } from '@therapy-room/contracts';
import type { AccessActor, GrantedAccess } from '@therapy-room/platform';
import type { AssignmentRow } from '../assignments/assignments.repository';

/**
 * The audit entry of a write on a client's assignment (a diary entry, an answer, feedback): one shape
 * for the client's and the care team's writes, on the basis their access check decided.
 */
export function assignmentWrite(
  actor: AccessActor,
  assignment: Pick<AssignmentRow, 'id' | 'tenant_id' | 'client_id'>,
  basis: AuditBasis,
): GrantedAccess {
  return {
    actor,
    action: 'content.write',
    resource: 'content.assignment',
    resourceId: assignment.id,
    subjectId: assignment.client_id,
    tenantId: assignment.tenant_id,
    basis,
  };
}
