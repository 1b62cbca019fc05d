import { matchRoute as matchSegments } from './routes';
import { parseRequestTarget } from './request-target';

const matchRoute = (path: string) => matchSegments(parseRequestTarget(path).segments);

describe('gateway route table', () => {
  it.each([
    ['/api/me', 'identity', '/me'],
    ['/api/users', 'identity', '/users'],
    ['/api/users/123', 'identity', '/users/123'],
    ['/api/auth/activate', 'identity', '/auth/activate'],
    ['/api/auth/password-reset/request', 'identity', '/auth/password-reset/request'],
    ['/api/auth/2fa/enrol', 'identity', '/auth/2fa/enrol'],
    ['/api/auth/2fa', 'identity', '/auth/2fa'],
    ['/api/tenant/settings/two-factor', 'identity', '/tenant/settings/two-factor'],
    ['/api/tenant/settings/sso', 'identity', '/tenant/settings/sso'],
    ['/api/auth/login/second-factor/enrol', 'identity', '/auth/login/second-factor/enrol'],
    ['/api/caseload/clients', 'caseload', '/caseload/clients'],
    ['/api/caseload/clients/123/links', 'caseload', '/caseload/clients/123/links'],
    ['/api/content/assignments/123', 'content', '/content/assignments/123'],
    ['/api/shared-reports/open', 'content', '/shared-reports/open'],
    ['/api/messaging/conversations/123/messages', 'messaging', '/messaging/conversations/123/messages'],
  ])('%s goes to %s %s', (path, upstream, upstreamPath) => {
    const match = matchRoute(path);
    expect(match?.route.upstream).toBe(upstream);
    expect(`/${match?.upstreamPath.join('/')}`).toBe(upstreamPath);
    expect(match?.upstreamPath.slice(0, match.target.length)).toEqual(match?.target);
  });

  it('marks only activation, password reset and shared reports as public (no session needed)', () => {
    expect(matchRoute('/api/auth/activate')?.route.public).toBe(true);
    expect(matchRoute('/api/auth/password-reset/confirm')?.route.public).toBe(true);
    for (const path of ['/api/me', '/api/users', '/api/users/123/invitation']) {
      expect(matchRoute(path)?.route.public).toBeFalsy();
    }
    expect(matchRoute('/api/auth/activatex')).toBeUndefined();
    expect(matchRoute('/api/shared-reports/open')?.route.public).toBe(true);
    expect(matchRoute('/api/content/clients/1/report')?.route.public).toBeFalsy();
  });

  it.each(['/api/usersx', '/api/caseloadx', '/api', '/me', '/api/sessions/resolve', '/health/ready'])(
    '%s is not routed',
    (path) => {
      expect(matchRoute(path)).toBeUndefined();
    },
  );

  it('matches on decoded segments and keeps a segment whole, whatever it holds', () => {
    expect(matchRoute('/api/users/a%20b')?.upstreamPath).toEqual(['users', 'a b']);
    expect(matchRoute('/api/users/%3F%23')?.upstreamPath).toEqual(['users', '?#']);
  });
});
