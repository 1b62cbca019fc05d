import type { Participant } from './requests.repository';
import type { SubjectRequest } from './request';
import type { RequestView } from './dto/requests.dto';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const toView = (r: SubjectRequest, participants: Participant[]): RequestView => ({
  id: r.id,
  kind: r.kind,
  reason: r.reason,
  state: r.state,
  clientId: r.subjectId,
  requestedBy: r.requestedBy,
  requestedAt: r.requestedAt.toISOString(),
  approvedBy: r.approvedBy,
  approvedAt: iso(r.approvedAt),
  runsAt: iso(r.runsAt),
  onHold: r.onHold,
  possibleFrom: r.possibleFrom,
  completedAt: iso(r.completedAt),
  stuck: r.stuckAt !== null,
  participants: participants.map((p) => ({ service: p.service, confirmedAt: iso(p.confirmedAt) })),
});
