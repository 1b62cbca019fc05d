import { SessionCache } from './session-cache';
import type { Actor } from '@therapy-room/auth';

const actor = (sessionId: string): Actor => ({
  userId: 'u',
  tenantId: 't',
  roles: ['client'],
  region: 'eea',
  sessionId,
});

describe('gateway session cache', () => {
  it('serves a resolved session until its TTL passes', () => {
    const cache = new SessionCache();
    cache.set('token-a', actor('s1'), 1_000);
    expect(cache.get('token-a', 1_000 + SessionCache.TTL_MS - 1)?.sessionId).toBe('s1');
    expect(cache.get('token-a', 1_000 + SessionCache.TTL_MS)).toBeUndefined();
  });

  it('drops a session at once when it is revoked, and only that one', () => {
    const cache = new SessionCache();
    cache.set('token-a', actor('s1'));
    cache.set('token-b', actor('s2'));
    cache.revoke('s1');
    expect(cache.get('token-a')).toBeUndefined();
    expect(cache.get('token-b')?.sessionId).toBe('s2');
  });

  it('does not confuse tokens', () => {
    const cache = new SessionCache();
    cache.set('token-a', actor('s1'));
    expect(cache.get('token-A')).toBeUndefined();
  });
});

describe('gateway session cache: a new privacy statement', () => {
  it('drops every session of that tenant, and only those', () => {
    const cache = new SessionCache();
    cache.set('token-a', actor('s1'));
    cache.set('token-b', actor('s2'));
    cache.set('token-c', { ...actor('s3'), tenantId: 'other' });
    cache.revokeTenant('t');
    expect(cache.get('token-a')).toBeUndefined();
    expect(cache.get('token-b')).toBeUndefined();
    expect(cache.get('token-c')?.sessionId).toBe('s3');
    cache.revoke('s1'); // the session index was cleaned too
  });
});

describe('gateway session cache: a staff access grant ended', () => {
  it('drops every session acting under that grant, and only those', () => {
    const cache = new SessionCache();
    const staff = (sessionId: string, grantId: string): Actor => ({
      ...actor(sessionId),
      roles: ['platform_staff'],
      grantId,
    });
    cache.set('token-a', staff('s1', '11111111-1111-4111-8111-111111111111'));
    cache.set('token-b', staff('s2', '11111111-1111-4111-8111-111111111111'));
    cache.set('token-c', staff('s3', '22222222-2222-4222-8222-222222222222'));
    cache.set('token-d', actor('s4'));
    cache.revokeGrant('11111111-1111-4111-8111-111111111111');
    expect(cache.get('token-a')).toBeUndefined();
    expect(cache.get('token-b')).toBeUndefined();
    expect(cache.get('token-c')?.sessionId).toBe('s3');
    expect(cache.get('token-d')?.sessionId).toBe('s4');
  });

  it('keeps a session for the configured time', () => {
    const cache = new SessionCache({ SESSION_CACHE_TTL_SECONDS: 30 });
    cache.set('token-a', actor('s1'), 1_000);
    expect(cache.get('token-a', 1_000 + 29_999)?.sessionId).toBe('s1');
    expect(cache.get('token-a', 1_000 + 30_000)).toBeUndefined();
  });
});
