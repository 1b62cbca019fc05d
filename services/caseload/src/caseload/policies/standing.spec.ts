import type { Actor } from '@therapy-room/auth';
import { actorKind } from '@therapy-room/auth';
import { may, type Standing } from './standing';

const actor = (roles: Actor['roles'], grantId?: string): Actor => ({
  userId: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  tenantId: '5f0c6a43-2b1d-4e7a-9c3f-8d2e1a0b9c7d',
  roles,
  region: 'eea',
  sessionId: 's',
  ...(grantId ? { grantId } : {}),
});

describe('caseload standing rules', () => {
  it.each([
    [['org_admin'], undefined, 'org_admin'],
    [['professional'], undefined, 'professional'],
    [['client'], undefined, 'client'],
    [['platform_staff'], '019a6f3e-5b7c-7c1a-9d2e-3f4a5b6c7d8e', 'staff'],
    [['platform_staff'], undefined, 'none'],
  ] as const)('%j (grant %s) is %s', (roles, grantId, kind) => {
    expect(actorKind(actor([...roles], grantId))).toBe(kind);
  });

  it.each<[Standing, boolean, boolean, boolean]>([
    // standing, read, link/unlink, move/unassign
    ['org_admin', true, true, true],
    ['staff', true, false, false],
    ['assigned', true, true, false],
    ['linked', true, false, false],
    ['self', true, false, false],
  ])('%s: read %s, link %s, move %s', (standing, read, link, move) => {
    expect(may('read', standing)).toBe(read);
    expect(may('link', standing)).toBe(link);
    expect(may('unlink', standing)).toBe(link);
    expect(may('move', standing)).toBe(move);
    expect(may('unassign', standing)).toBe(move);
  });
});
