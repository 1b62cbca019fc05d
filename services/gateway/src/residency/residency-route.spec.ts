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

  it("finds the organisation a link names: its page's query, and its token's call's body", () => {
    const query = (q: string) => new URLSearchParams(q);
    for (const [page, flow] of [
      ['/activate', 'activation-link'],
      ['/reset-password', 'password-reset-link'],
      ['/shared', 'shared-report-link'],
    ] as const) {
      expect(
        organisationNamedBy('GET', segments(page), undefined, query('token=t&organisation=acme')),
      ).toEqual({
        flow,
        slug: 'acme',
      });
      expect(organisationNamedBy('HEAD', segments(page), undefined, query('organisation=acme'))).toEqual({
        flow,
        slug: 'acme',
      });
      // A link from before links named their organisation, twice named, or empty: nothing to route.
      expect(organisationNamedBy('GET', segments(page), undefined, query('token=t'))).toBe(undefined);
      expect(
        organisationNamedBy('GET', segments(page), undefined, query('organisation=acme&organisation=b')),
      ).toBe(undefined);
      expect(organisationNamedBy('GET', segments(page), undefined, query('organisation='))).toBe(undefined);
      expect(
        organisationNamedBy('POST', segments(page), { organisation: 'acme' }, query('organisation=acme')),
      ).toBe(undefined);
      expect(organisationNamedBy('GET', segments(`${page}/x`), undefined, query('organisation=acme'))).toBe(
        undefined,
      );
    }
    for (const [path, flow] of [
      ['/api/auth/activate', 'activation-link'],
      ['/api/auth/password-reset/confirm', 'password-reset-link'],
      ['/api/shared-reports/open', 'shared-report-link'],
    ] as const) {
      expect(organisationNamedBy('POST', segments(path), { token: 't', organisation: 'acme' })).toEqual({
        flow,
        slug: 'acme',
      });
      expect(organisationNamedBy('POST', segments(path), { token: 't' })).toBe(undefined);
      // Before the body parser has run (the gateway's first pass), a body names nothing yet.
      expect(organisationNamedBy('POST', segments(path), undefined, query('organisation=acme'))).toBe(
        undefined,
      );
    }
    // Not an own property of a lookup table: a path named like Object's members routes nothing.
    expect(organisationNamedBy('POST', segments('/constructor'), { organisation: 'acme' })).toBe(undefined);
    expect(organisationNamedBy('GET', segments('/constructor'), undefined, query('organisation=acme'))).toBe(
      undefined,
    );
  });

  it('sends a link home with its query (the token stays in it, the fragment stays in the browser)', () => {
    const uk = { region: 'uk', baseUrl: 'https://uk.example/' };
    expect(
      routingAnswer(uk, 'eea', {
        secFetchMode: 'navigate',
        originalUrl: '/activate?token=abc&organisation=acme',
      }),
    ).toEqual({
      kind: 'redirect',
      status: 307,
      location: 'https://uk.example/activate?token=abc&organisation=acme',
    });
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
