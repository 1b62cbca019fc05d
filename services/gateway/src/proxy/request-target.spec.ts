import { AmbiguousPathError, parseRequestTarget } from './request-target';

describe('request target parser', () => {
  it.each([
    ['/', []],
    ['/api/me', ['api', 'me']],
    [
      '/api/users/7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      ['api', 'users', '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'],
    ],
    ['/api/content/library/a%20b', ['api', 'content', 'library', 'a b']],
    ['/api/users/%C3%A9', ['api', 'users', 'é']],
    ['/api/users/...', ['api', 'users', '...']],
    ['/api/users/a.b', ['api', 'users', 'a.b']],
    ['/api/users/x:y@z', ['api', 'users', 'x:y@z']],
  ])('%s is %j', (raw, segments) => {
    expect(parseRequestTarget(raw).segments).toEqual(segments);
  });

  it.each([
    // Dot segments, plain and encoded, in any case and mixture.
    '/api/users/../sessions/resolve',
    '/api/users/./me',
    '/api/users/%2e%2e/sessions/resolve',
    '/api/users/%2E%2E/sessions/resolve',
    '/api/users/.%2E/sessions/resolve',
    '/api/users/%2e./sessions/resolve',
    '/api/users/%2e/me',
    '/api/users/..',
    '/api/..',
    '/..',
    // Encoded slashes and backslashes, plain and encoded.
    '/api/users/..%2fsessions/resolve',
    '/api/users/a%2Fb',
    '/api/users/a%2fb',
    '/api/users/..\\sessions/resolve',
    '/api/users\\..\\sessions',
    '/api/users/..%5csessions/resolve',
    '/api/users/a%5Cb',
    // Empty segments.
    '//api/me',
    '/api//me',
    '/api/me/',
    '/api/users//../sessions',
    // NUL and control characters.
    '/api/users/%00',
    '/api/users/a%00b',
    '/api/users/%0d%0aX-Injected:1',
    '/api/users/%7f',
    '/api/users/%c2%85',
    // Invalid or needless percent-encoding, double encoding.
    '/api/users/%',
    '/api/users/%zz',
    '/api/users/%e',
    '/api/users/%c3',
    '/api/users/%ff',
    '/api/%6De',
    '/api/users/%41',
    '/api/users/%252e%252e/sessions',
    '/api/users/%25',
    // Characters that must arrive encoded, and paths that change under normalisation.
    '/api/users/a b',
    '/api/users/é',
    '/api/users/%EF%BC%8E%EF%BC%8E/sessions',
    '/api/users/%EF%BC%8F',
    '/api/users/{x}',
    'http://evil.example/api/me',
    'api/me',
    '*',
  ])('refuses %s', (raw) => {
    expect(() => parseRequestTarget(raw)).toThrow(AmbiguousPathError);
  });

  it('hands the query on only as parsed parameters', () => {
    const { segments, query } = parseRequestTarget('/api/caseload/clients?q=a%20b&q=c+d&limit=5&x=%zz');
    expect(segments).toEqual(['api', 'caseload', 'clients']);
    expect(query.getAll('q')).toEqual(['a b', 'c d']);
    expect(query.get('limit')).toBe('5');
    expect(query.toString()).toBe('q=a+b&q=c+d&limit=5&x=%25zz');
  });

  it('does not read a question mark inside the path as part of it', () => {
    expect(parseRequestTarget('/api/me?/../sessions/resolve').segments).toEqual(['api', 'me']);
  });
});
