import { matchRoute } from './routes';

describe('gateway route table', () => {
  it.each([
    ['/api/me', 'identity', '/me'],
    ['/api/users', 'identity', '/users'],
    ['/api/users/123', 'identity', '/users/123'],
  ])('%s goes to %s %s', (path, upstream, upstreamPath) => {
    expect(matchRoute(path)).toEqual({ route: expect.objectContaining({ upstream }), upstreamPath });
  });

  it.each(['/api/usersx', '/api', '/me', '/api/sessions/resolve', '/health/ready'])(
    '%s is not routed',
    (path) => {
      expect(matchRoute(path)).toBeUndefined();
    },
  );
});
