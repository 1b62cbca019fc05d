/** The upstream URL could not be built as asked (a path that would leave its route). */
export class UpstreamUrlError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UpstreamUrlError';
  }
}

/**
 * Builds an upstream URL with the URL API from segments, each encoded on its own (encodeURIComponent:
 * a segment can never hold a separator), and the query only as parsed and re-serialised parameters.
 * The pathname that comes out must be exactly the encoded segments under the base URL's path, and
 * start with `within` (the route's target) when given: if the URL API changed anything, it is refused.
 */
export function upstreamUrl(
  base: string,
  segments: readonly string[],
  options: { query?: URLSearchParams; within?: readonly string[] } = {},
): URL {
  const url = new URL(base);
  const basePath = url.pathname.replace(/\/+$/, '');
  const encoded = segments.map((segment) => {
    if (segment === '' || segment === '.' || segment === '..') throw new UpstreamUrlError('invalid segment');
    return encodeURIComponent(segment);
  });
  const expected = `${basePath}/${encoded.join('/')}`;
  url.pathname = expected;
  url.search = options.query?.size ? options.query.toString() : '';
  url.hash = '';
  if (url.pathname !== expected) throw new UpstreamUrlError('path changed by the URL parser');
  if (options.within) {
    const target = `${basePath}/${options.within.map(encodeURIComponent).join('/')}`;
    if (url.pathname !== target && !url.pathname.startsWith(`${target}/`)) {
      throw new UpstreamUrlError("path outside the route's target");
    }
  }
  return url;
}
