import type { Request } from 'express';

/** A request's path as one list of decoded segments, and its query as parsed parameters. */
export interface RequestTarget {
  /** Decoded segments, none empty, none a dot segment, none holding a slash or backslash. */
  segments: readonly string[];
  query: URLSearchParams;
}

export class AmbiguousPathError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'AmbiguousPathError';
  }
}

/** Characters a segment may hold as they are; everything else arrives percent-encoded (or is refused). */
const RAW_SEGMENT = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%]*$/;
/** RFC 3986 §2.3: encoding one of these changes nothing but the spelling (`%2e` is `.`): ambiguous. */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const PERCENT_ESCAPE = /%(?![0-9A-Fa-f]{2})|%([0-9A-Fa-f]{2})/g;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function decodeSegment(raw: string): string {
  if (!RAW_SEGMENT.test(raw)) throw new AmbiguousPathError('character not allowed in a path');
  for (const [escape, hex] of raw.matchAll(PERCENT_ESCAPE)) {
    if (hex === undefined) throw new AmbiguousPathError(`invalid percent-encoding (${escape})`);
    if (UNRESERVED.test(String.fromCharCode(parseInt(hex, 16)))) {
      throw new AmbiguousPathError('percent-encoded unreserved character');
    }
  }
  let segment: string;
  try {
    segment = decodeURIComponent(raw);
  } catch {
    throw new AmbiguousPathError('invalid percent-encoding');
  }
  if (segment === '') throw new AmbiguousPathError('empty segment');
  if (segment === '.' || segment === '..') throw new AmbiguousPathError('dot segment');
  if (segment.includes('/') || segment.includes('\\')) throw new AmbiguousPathError('slash inside a segment');
  if (CONTROL.test(segment)) throw new AmbiguousPathError('control character');
  // A segment that still holds an escape after decoding (`%252e`) would mean something else to
  // whoever decodes it again.
  if (segment.includes('%')) throw new AmbiguousPathError('double encoding');
  if (segment.normalize('NFKC') !== segment) throw new AmbiguousPathError('changes under normalisation');
  return segment;
}

/**
 * Parses a request target as it came off the wire (req.originalUrl, never Express's req.path) into
 * one list of segments, refusing every path that could mean two things: dot segments plain or
 * encoded in any case, encoded slashes, backslashes, empty segments, control characters and NUL,
 * invalid or needless percent-encoding, and anything the URL parser would still change. Route
 * matching and the upstream URL are both built from this one list, so what is matched is what is
 * forwarded.
 */
export function parseRequestTarget(rawUrl: string): RequestTarget {
  const queryAt = rawUrl.indexOf('?');
  const rawPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const rawQuery = queryAt === -1 ? '' : rawUrl.slice(queryAt + 1);
  if (!rawPath.startsWith('/')) throw new AmbiguousPathError('not an origin-form path');
  if (rawQuery.includes('#')) throw new AmbiguousPathError('fragment in a request');
  const segments = rawPath === '/' ? [] : rawPath.slice(1).split('/').map(decodeSegment);
  // The WHATWG URL parser is what fetch uses: if it would read the path differently, refuse it.
  if (new URL(rawPath, 'http://gateway.invalid').pathname !== rawPath) {
    throw new AmbiguousPathError('changes under URL normalisation');
  }
  return { segments, query: new URLSearchParams(rawQuery) };
}

const targets = new WeakMap<Request, RequestTarget>();

/** Parses the request's target once (requestTargetMiddleware); later readers get the same list. */
export function requestTargetOf(req: Request): RequestTarget {
  let target = targets.get(req);
  if (!target) {
    target = parseRequestTarget(req.originalUrl);
    targets.set(req, target);
  }
  return target;
}
