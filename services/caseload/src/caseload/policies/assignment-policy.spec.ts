import { decideAssignment, type AssignmentRequest } from './assignment-policy';

const me = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const colleague = '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f';
const request = (r: Partial<AssignmentRequest>): AssignmentRequest => ({
  actorKind: 'professional',
  actorId: me,
  professionalId: me,
  actorAssigned: false,
  clientTaken: false,
  professionalsMayTakeUnassigned: false,
  ...r,
});

describe('who may add a client to a caseload', () => {
  it.each<[string, Partial<AssignmentRequest>, string]>([
    ['an org admin, any client to anyone', { actorKind: 'org_admin', professionalId: colleague }, 'assign'],
    ['a professional, an unassigned client, setting off (the default)', {}, 'refused'],
    [
      'a professional, an unassigned client, setting on',
      { professionalsMayTakeUnassigned: true },
      'self_assign',
    ],
    [
      'a professional, a client in a colleague’s caseload, setting on',
      { clientTaken: true, professionalsMayTakeUnassigned: true },
      'refused',
    ],
    [
      'a professional, an unassigned client to a colleague, setting on',
      { professionalId: colleague, professionalsMayTakeUnassigned: true },
      'refused',
    ],
    [
      'a professional, their own client to a colleague (shared care)',
      { actorAssigned: true, clientTaken: true, professionalId: colleague },
      'assign',
    ],
    ['a professional, their own client to themself again (409 later)', { actorAssigned: true }, 'assign'],
    ['a client', { actorKind: 'client', professionalsMayTakeUnassigned: true }, 'refused'],
    ['platform staff', { actorKind: 'staff', professionalsMayTakeUnassigned: true }, 'refused'],
    ['staff without a grant', { actorKind: 'none', professionalsMayTakeUnassigned: true }, 'refused'],
  ])('%s → %s', (_name, r, expected) => {
    expect(decideAssignment(request(r))).toBe(expected);
  });
});
