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

describe('gateway session cache: lookups in flight', () => {
  /** A lookup that answers when told to, counting how often it was started. */
  const deferredLoad = () => {
    let answer!: (a: Actor) => void;
    let fail!: (e: Error) => void;
    const load = jest.fn(
      () =>
        new Promise<Actor>((resolve, reject) => {
          answer = resolve;
          fail = reject;
        }),
    );
    return { load, answer: (a: Actor) => answer(a), fail: (e: Error) => fail(e) };
  };

  it('asks identity once for concurrent misses of one token, and caches the answer', async () => {
    const cache = new SessionCache();
    const lookup = deferredLoad();
    const waiting = [1, 2, 3].map(() => cache.resolve('token-a', lookup.load));
    lookup.answer(actor('s1'));
    expect((await Promise.all(waiting)).map((a) => a.sessionId)).toEqual(['s1', 's1', 's1']);
    expect(lookup.load).toHaveBeenCalledTimes(1);
    expect((await cache.resolve('token-a', lookup.load)).sessionId).toBe('s1');
    expect(lookup.load).toHaveBeenCalledTimes(1);
  });

  it('keeps lookups of different tokens apart', async () => {
    const cache = new SessionCache();
    const a = deferredLoad();
    const b = deferredLoad();
    const first = cache.resolve('token-a', a.load);
    const second = cache.resolve('token-b', b.load);
    a.answer(actor('s1'));
    b.answer(actor('s2'));
    expect([(await first).sessionId, (await second).sessionId]).toEqual(['s1', 's2']);
  });

  it('fails every waiter of a failed lookup and caches nothing: the next request asks again', async () => {
    const cache = new SessionCache();
    const lookup = deferredLoad();
    const waiting = [1, 2].map(() => cache.resolve('token-a', lookup.load));
    lookup.fail(new Error('401'));
    for (const w of waiting) await expect(w).rejects.toThrow('401');
    expect(lookup.load).toHaveBeenCalledTimes(1);
    const again = cache.resolve('token-a', lookup.load);
    expect(lookup.load).toHaveBeenCalledTimes(2);
    lookup.answer(actor('s1'));
    expect((await again).sessionId).toBe('s1');
  });

  it('does not cache an answer whose lookup was in flight when a session was revoked', async () => {
    const cache = new SessionCache();
    const lookup = deferredLoad();
    const inFlight = cache.resolve('token-a', lookup.load);
    cache.revoke('s1');
    lookup.answer(actor('s1'));
    expect((await inFlight).sessionId).toBe('s1');
    expect(cache.get('token-a')).toBeUndefined();
  });
});
