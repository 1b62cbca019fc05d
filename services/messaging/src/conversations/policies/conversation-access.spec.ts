import type { Actor } from '@therapy-room/auth';
import { conversationAccess, counterpartOf, participantKind } from './conversation-access';

const tenantId = '5f0c6a43-2b1d-4e7a-9c3f-8d2e1a0b9c7d';
const clientId = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const professionalId = '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f';
const strangerId = '0b6f0e3c-1d2a-4b5c-8d9e-0f1a2b3c4d5e';
const conversation = { tenantId, clientId, professionalId };

const actor = (userId: string, role: Actor['roles'][number], tenant = tenantId): Actor => ({
  userId,
  tenantId: tenant,
  roles: [role],
  region: 'eea',
  sessionId: 's',
});

describe('conversation access', () => {
  it.each([
    ['the client, professional still on the care team', actor(clientId, 'client'), true, 'read-write'],
    ['the client, professional gone: history only', actor(clientId, 'client'), false, 'read-only'],
    ['the professional with a grant', actor(professionalId, 'professional'), true, 'read-write'],
    ['the professional without a grant any more', actor(professionalId, 'professional'), false, 'none'],
    ['another professional', actor(strangerId, 'professional'), true, 'none'],
    ['another client', actor(strangerId, 'client'), true, 'none'],
    ['an org admin', actor(strangerId, 'org_admin'), true, 'none'],
    ['the client id in another organisation', actor(clientId, 'client', strangerId), true, 'none'],
    [
      'the professional id in another organisation',
      actor(professionalId, 'professional', strangerId),
      true,
      'none',
    ],
    ['the client id presented with a professional role', actor(clientId, 'professional'), true, 'none'],
  ] as const)('%s → %s', (_name, who, granted, expected) => {
    expect(conversationAccess(who, conversation, granted)).toBe(expected);
  });

  it('only clients and professionals take part; staff and org admins never do', () => {
    expect(participantKind(actor(clientId, 'client'))).toBe('client');
    expect(participantKind(actor(professionalId, 'professional'))).toBe('professional');
    expect(participantKind(actor(strangerId, 'org_admin'))).toBeNull();
    expect(participantKind({ ...actor(strangerId, 'platform_staff'), grantId: strangerId })).toBeNull();
    expect(
      participantKind({ ...actor(strangerId, 'professional'), roles: ['professional', 'org_admin'] }),
    ).toBeNull();
  });

  it('the counterpart is the other side', () => {
    expect(counterpartOf(conversation, clientId)).toBe(professionalId);
    expect(counterpartOf(conversation, professionalId)).toBe(clientId);
  });
});
