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

  // IPv6 forms that lead to an IPv4 address: judged by that address, or refused whole.
  it.each([
    // NAT64, well-known prefix (RFC 6052): loopback, metadata service, private, in every notation.
    '64:ff9b::7f00:1',
    '64:ff9b::127.0.0.1',
    '64:ff9b::a9fe:a9fe',
    '64:ff9b::10.0.0.1',
    '64:ff9b:0:0:0:0:c0a8:101',
    // NAT64, local-use prefix (RFC 8215): operator-defined, never a public provider.
    '64:ff9b:1::a00:1',
    '64:ff9b:1:ffff::808:808',
    // 6to4 (2002::/16): relays reach the embedded IPv4 address, public or not.
    '2002:7f00:1::1',
    '2002:a9fe:a9fe::',
    '2002:808:808::1',
    // IPv4-compatible (::/96, deprecated) and SIIT.
    '::127.0.0.1',
    '::7f00:1',
    '::808:808',
    '::ffff:0:7f00:1',
    // IPv4-mapped, whatever the notation.
    '0:0:0:0:0:ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '0:0:0:0:0:FFFF:10.0.0.1',
    // Teredo, site-local.
    '2001::1',
    'fec0::1',
  ])('treats %s (an IPv4 address in disguise, or a translation prefix) as not public', (address) =>
    expect(isSpecialAddress(address)).toBe(true),
  );
  it.each(['64:ff9b::808:808', '64:ff9b::8.8.8.8', '0:0:0:0:0:ffff:808:808'])(
    'treats %s (a public IPv4 address behind NAT64 or mapped) as public',
    (address) => expect(isSpecialAddress(address)).toBe(false),
  );
  it.each(['https://[64:ff9b::a9fe:a9fe]/', 'https://[2002:7f00:1::1]/', 'https://[::7f00:1]/'])(
    'refuses the issuer URL %s',
    (url) => expect(() => assertIssuerUrlAllowed(new URL(url), false)).toThrow(/not public/),
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
