import { ssoErrorCodeOf } from './sso.controller';

describe('the login page code of a refused single sign-on step', () => {
  it('names what the person can do about it: not offered, provider down, too many tries, or failed', () => {
    expect(ssoErrorCodeOf(404)).toBe('not_available');
    expect(ssoErrorCodeOf(502)).toBe('provider_unavailable');
    expect(ssoErrorCodeOf(503)).toBe('provider_unavailable');
    expect(ssoErrorCodeOf(429)).toBe('throttled');
    for (const status of [400, 401, 403, 421, 500]) expect(ssoErrorCodeOf(status)).toBe('failed');
  });
});
