import { organisationNamedBy, routingAnswer } from './residency-route';

const segments = (path: string) => path.split('/').filter(Boolean);

describe('residency routing rules', () => {
  it('finds the organisation of the login, the reset request, the SSO start and its availability, and of nothing else', () => {
    expect(organisationNamedBy('POST', segments('/api/auth/login'), { organisation: 'acme' })).toEqual({
      flow: 'login',
      slug: 'acme',
    });
    expect(
      organisationNamedBy('POST', segments('/api/auth/password-reset/request'), { organisation: 'acme' }),
    ).toEqual({ flow: 'password-reset-request', slug: 'acme' });
    expect(organisationNamedBy('GET', segments('/api/auth/sso/acme/start'), undefined)).toEqual({
      flow: 'sso-start',
      slug: 'acme',
    });
    expect(organisationNamedBy('GET', segments('/api/auth/sso/acme/available'), undefined)).toEqual({
      flow: 'sso-available',
      slug: 'acme',
    });
    // The second step carries the home region's challenge; a body without a string names nothing.
    expect(
      organisationNamedBy('POST', segments('/api/auth/login/second-factor'), { organisation: 'acme' }),
    ).toBe(undefined);
    expect(organisationNamedBy('POST', segments('/api/auth/login'), { organisation: 7 })).toBe(undefined);
    expect(organisationNamedBy('GET', segments('/api/auth/login'), { organisation: 'acme' })).toBe(undefined);
    expect(organisationNamedBy('POST', segments('/api/auth/sso/acme/start'), undefined)).toBe(undefined);
  });

  it('serves here an unknown or local organisation; sends a browser on with 307 and tells others 421', () => {
    const uk = { region: 'uk', baseUrl: 'https://uk.example' };
    const req = { secFetchMode: undefined, originalUrl: '/api/auth/sso/acme/start?x=1' };
    expect(routingAnswer(undefined, 'eea', req)).toEqual({ kind: 'here' });
    expect(routingAnswer({ region: 'eea', baseUrl: 'https://eea.example' }, 'eea', req)).toEqual({
      kind: 'here',
    });
    expect(routingAnswer(uk, 'eea', req)).toEqual({ kind: 'misdirected', region: 'uk', baseUrl: uk.baseUrl });
    expect(routingAnswer(uk, 'eea', { ...req, secFetchMode: 'cors' }).kind).toBe('misdirected');
    expect(routingAnswer(uk, 'eea', { ...req, secFetchMode: 'navigate' })).toEqual({
      kind: 'redirect',
      status: 307,
      location: 'https://uk.example/api/auth/sso/acme/start?x=1',
    });
    // The location is the home base URL with this request's path: never a host the request chose.
    expect(routingAnswer(uk, 'eea', { secFetchMode: 'navigate', originalUrl: '//evil.example/x' })).toEqual({
      kind: 'redirect',
      status: 307,
      location: 'https://uk.example/x',
    });
  });
});
