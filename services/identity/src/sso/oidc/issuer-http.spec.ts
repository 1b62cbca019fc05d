import { assertIssuerUrlAllowed, isSpecialAddress } from './issuer-http';

describe('identity provider URLs (an org admin types them, identity fetches them)', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0'])(
    'treats %s as not public',
    (address) => expect(isSpecialAddress(address)).toBe(true),
  );
  it.each(['::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1'])(
    'treats %s as not public',
    (address) => expect(isSpecialAddress(address)).toBe(true),
  );
  it.each(['8.8.8.8', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8'])('treats %s as public', (address) =>
    expect(isSpecialAddress(address)).toBe(false),
  );

  it('allows https on a host name; refuses http, credentials and special addresses unless insecure is allowed', () => {
    expect(() => assertIssuerUrlAllowed(new URL('https://login.example.org/tenant'), false)).not.toThrow();
    for (const url of [
      'http://login.example.org',
      'https://user:pw@login.example.org',
      'https://127.0.0.1:8443',
      'https://[::1]/',
      'https://localhost/',
      'ftp://login.example.org',
    ]) {
      expect(() => assertIssuerUrlAllowed(new URL(url), false)).toThrow();
    }
    expect(() => assertIssuerUrlAllowed(new URL('http://127.0.0.1:4000'), true)).not.toThrow();
    expect(() => assertIssuerUrlAllowed(new URL('ftp://127.0.0.1'), true)).toThrow();
  });
});
