/**
 * The browser flows that name an organisation before anyone is signed in, and where each names it.
 * Only these can reach another region's organisation: every later request carries a session, token or
 * challenge issued by the home region, which no other region accepts.
 */
export type ResidencyFlow = 'login' | 'password-reset-request' | 'sso-start' | 'sso-available';

export interface NamedOrganisation {
  flow: ResidencyFlow;
  slug: string;
}

const bodyOrganisation = (body: unknown): string | undefined => {
  const value = (body as { organisation?: unknown } | null | undefined)?.organisation;
  return typeof value === 'string' ? value : undefined;
};

/** The organisation a request names, if it is one of the routed flows (path: the checked segments). */
export function organisationNamedBy(
  method: string,
  segments: readonly string[],
  body: unknown,
): NamedOrganisation | undefined {
  const path = segments.join('/');
  if (method === 'POST' && path === 'api/auth/login') {
    const slug = bodyOrganisation(body);
    return slug === undefined ? undefined : { flow: 'login', slug };
  }
  if (method === 'POST' && path === 'api/auth/password-reset/request') {
    const slug = bodyOrganisation(body);
    return slug === undefined ? undefined : { flow: 'password-reset-request', slug };
  }
  if (
    method === 'GET' &&
    segments.length === 5 &&
    segments[0] === 'api' &&
    segments[1] === 'auth' &&
    segments[2] === 'sso' &&
    (segments[4] === 'start' || segments[4] === 'available')
  ) {
    // Whether the organisation has SSO is its home region's to say (the app then starts it there).
    return { flow: segments[4] === 'start' ? 'sso-start' : 'sso-available', slug: segments[3] };
  }
  return undefined;
}

export type RoutingAnswer =
  | { kind: 'here' }
  | { kind: 'redirect'; status: 307; location: string }
  | { kind: 'misdirected'; baseUrl: string; region: string };

/**
 * What to answer for an organisation of another region: a browser navigating (Sec-Fetch-Mode: navigate)
 * is sent there with 307, which keeps the method and body (a login form's POST arrives as it was sent)
 * and is not cached, as a region's organisation may move. Anything else (the app's fetch, API clients)
 * gets 421 with the base URL to use: a client should decide itself to send a password to another host.
 */
export function routingAnswer(
  home: { region: string; baseUrl: string } | undefined,
  here: string,
  request: { secFetchMode: string | undefined; originalUrl: string },
): RoutingAnswer {
  if (!home || home.region === here) return { kind: 'here' };
  if (request.secFetchMode === 'navigate') {
    // Only the path and query of this request are kept, on the home base URL: never a host it named.
    const { pathname, search } = new URL(request.originalUrl, 'http://request.invalid');
    return {
      kind: 'redirect',
      status: 307,
      location: `${home.baseUrl.replace(/\/$/, '')}${pathname}${search}`,
    };
  }
  return { kind: 'misdirected', baseUrl: home.baseUrl, region: home.region };
}
