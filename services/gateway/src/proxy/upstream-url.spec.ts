import { UpstreamUrlError, upstreamUrl } from './upstream-url';

describe('upstream URL', () => {
  it('encodes each segment on its own, so no segment can become a separator or a dot segment', () => {
    const url = upstreamUrl('http://identity:3001', ['users', 'a/b', '?x', '#y', 'c\\d', '%2e']);
    expect(url.toString()).toBe('http://identity:3001/users/a%2Fb/%3Fx/%23y/c%5Cd/%252e');
  });

  it('keeps the base URL path and passes the query only re-serialised', () => {
    const url = upstreamUrl('http://content:3003/internal/', ['content', 'clients'], {
      query: new URLSearchParams('q=a b&limit=5'),
    });
    expect(url.toString()).toBe('http://content:3003/internal/content/clients?q=a+b&limit=5');
  });

  it.each([[['users', '..', 'sessions']], [['users', '.']], [['users', '']]])('refuses %j', (segments) => {
    expect(() => upstreamUrl('http://identity:3001', segments)).toThrow(UpstreamUrlError);
  });

  it("refuses a path outside the route's target", () => {
    expect(upstreamUrl('http://identity:3001', ['users', '1'], { within: ['users'] }).pathname).toBe(
      '/users/1',
    );
    expect(() => upstreamUrl('http://identity:3001', ['sessions', 'resolve'], { within: ['users'] })).toThrow(
      "path outside the route's target",
    );
    expect(() => upstreamUrl('http://identity:3001', ['usersx'], { within: ['users'] })).toThrow(
      UpstreamUrlError,
    );
  });
});
