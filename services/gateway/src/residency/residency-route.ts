/**
 * The flows that name an organisation before anyone is signed in, and where each names it. Only these
 * can reach another region's organisation: every later request carries a session, token or challenge
 * issued by the home region, which no other region accepts.
 *
 * The links (activation, password reset, shared report) name their organisation by its slug in the
 * query (`?organisation=`): the page a link opens, and the app's call that spends the link's token
 * (`organisation` in the body). The slug is all they name (no user, no region's internals); a link
 * from before the links named it names nothing and is served here as it always was.
 */
export type ResidencyFlow =
  | 'login'
  | 'password-reset-request'
  | 'sso-start'
  | 'sso-available'
  | 'activation-link'
  | 'password-reset-link'
  | 'shared-report-link';

export interface NamedOrganisation {
  flow: ResidencyFlow;
  slug: string;
}

const bodyOrganisation = (body: unknown): string | undefined => {
  const value = (body as { organisation?: unknown } | null | undefined)?.organisation;
  return typeof value === 'string' ? value : undefined;
};

/** `?organisation=` given exactly once (twice names nothing: no guessing which one counts). */
const queryOrganisation = (query: URLSearchParams | undefined): string | undefined => {
  const values = query?.getAll('organisation') ?? [];
  return values.length === 1 && values[0] ? values[0] : undefined;
};

/** The API calls that name their organisation in the body: POST path → flow. */
const BODY_FLOWS = new Map<string, ResidencyFlow>([
  ['api/auth/login', 'login'],
  ['api/auth/password-reset/request', 'password-reset-request'],
  ['api/auth/activate', 'activation-link'],
  ['api/auth/password-reset/confirm', 'password-reset-link'],
  ['api/shared-reports/open', 'shared-report-link'],
]);

/** The app's pages a link opens (GET or HEAD, the organisation in the query): path → flow. */
const LINK_PAGES = new Map<string, ResidencyFlow>([
  ['activate', 'activation-link'],
  ['reset-password', 'password-reset-link'],
  ['shared', 'shared-report-link'],
]);

/**
 * The organisation a request names, if it is one of the routed flows (segments: the checked path;
 * query: its parsed query; body: the parsed body, undefined before the body parser has run).
 */
export function organisationNamedBy(
  method: string,
  segments: readonly string[],
  body: unknown,
  query?: URLSearchParams,
): NamedOrganisation | undefined {
  const path = segments.join('/');
  const bodyFlow = method === 'POST' ? BODY_FLOWS.get(path) : undefined;
  if (bodyFlow) {
    const slug = bodyOrganisation(body);
    return slug === undefined ? undefined : { flow: bodyFlow, slug };
  }
  const pageFlow =
    (method === 'GET' || method === 'HEAD') && segments.length === 1 ? LINK_PAGES.get(path) : undefined;
  if (pageFlow) {
    const slug = queryOrganisation(query);
    return slug === undefined ? undefined : { flow: pageFlow, slug };
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
