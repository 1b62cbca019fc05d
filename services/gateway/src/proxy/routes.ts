import type { InternalAudience } from '@therapy-room/auth';

/** Which service owns which public path. Anything not listed is 404 at the gateway. */
export type Upstream = InternalAudience;

export interface Route {
  prefix: string;
  upstream: Upstream;
  target: string;
  /** Reached without a session (the request itself carries its credential, e.g. a link's token). */
  public?: boolean;
  /**
   * Platform staff reach it without an access grant (their own account and grants, no organisation's
   * data). Every other authenticated route refuses them 403 STAFF_ACCESS_REQUIRED without one.
   */
  staffWithoutGrant?: boolean;
}

export const routes: Route[] = [
  { prefix: '/api/me', upstream: 'identity', target: '/me', staffWithoutGrant: true },
  { prefix: '/api/users', upstream: 'identity', target: '/users' },
  { prefix: '/api/auth/activate', upstream: 'identity', target: '/auth/activate', public: true },
  { prefix: '/api/auth/password-reset', upstream: 'identity', target: '/auth/password-reset', public: true },
  { prefix: '/api/auth/2fa', upstream: 'identity', target: '/auth/2fa', staffWithoutGrant: true },
  // Platform staff access grants (requested by staff, decided by org admins). Choosing a grant for
  // the session (…/use) is SessionController's: it drops the cached session.
  {
    prefix: '/api/staff-access',
    upstream: 'identity',
    target: '/staff-access',
    staffWithoutGrant: true,
  },
  {
    prefix: '/api/tenant/settings/two-factor',
    upstream: 'identity',
    target: '/tenant/settings/two-factor',
  },
  // The organisation's OIDC single sign-on configuration (org admins). The login itself
  // (/api/auth/sso/…) is SsoController's: it sets cookies and redirects.
  { prefix: '/api/tenant/settings/sso', upstream: 'identity', target: '/tenant/settings/sso' },
  // The organisation's privacy statement (publish: org admins; read: everyone, even before the gate).
  // Acknowledging it is SessionController's (it drops the cached, gated session).
  {
    prefix: '/api/tenant/privacy-statements',
    upstream: 'identity',
    target: '/tenant/privacy-statements',
  },
  {
    prefix: '/api/tenant/privacy-statement',
    upstream: 'identity',
    target: '/tenant/privacy-statement',
    staffWithoutGrant: true,
  },
  // Enrolment during login, for users who must have 2FA and have none: the login challenge (bound to
  // the client's address) is the credential. The second step itself is LoginController's.
  // Caseloads: who may see which client (every route checks the actor against the caseload itself).
  { prefix: '/api/caseload', upstream: 'caseload', target: '/caseload' },
  // Content: the library, clients' tools and work, reports, flags, usage counts (every route checks the
  // actor against the caseload read model itself).
  { prefix: '/api/content', upstream: 'content', target: '/content' },
  // A shared report, opened by its recipient without an account: the link's token (in the body) is the
  // credential; content answers 404 for an unknown, revoked or expired one.
  { prefix: '/api/shared-reports', upstream: 'content', target: '/shared-reports', public: true },
  // Messaging: conversations, messages, read state, notification preferences (every route checks the
  // actor against the conversation and the caseload read model itself). The live stream
  // (/api/messaging/stream) is EventStreamController's: it is passed through, not buffered.
  { prefix: '/api/messaging', upstream: 'messaging', target: '/messaging' },
  // Audit: a client's contact history, org admins' search and export of the log (audit checks the actor).
  { prefix: '/api/audit', upstream: 'audit', target: '/audit' },
  // Retention: erasure and export requests, approvals, legal holds, certificates, the organisation's
  // retention policy (retention checks the actor against the caseload read model itself).
  { prefix: '/api/retention', upstream: 'retention', target: '/retention' },
  {
    prefix: '/api/auth/login/second-factor/enrol',
    upstream: 'identity',
    target: '/auth/login/second-factor/enrol',
    public: true,
  },
];

const segmentsOf = (path: string): readonly string[] => path.split('/').filter(Boolean);
const table = routes.map((route) => ({
  route,
  prefix: segmentsOf(route.prefix),
  target: segmentsOf(route.target),
}));

export interface RouteMatch {
  route: Route;
  /** The route's target segments, then the rest of the request's segments. */
  upstreamPath: readonly string[];
  /** The route's target: the upstream path must start with it. */
  target: readonly string[];
}

/**
 * The route for a request's (decoded, checked) segments, matching whole segments: /api/users and
 * /api/users/x, not /api/usersx. The upstream path is segments too: nothing is joined as a string.
 */
export function matchRoute(segments: readonly string[]): RouteMatch | undefined {
  for (const { route, prefix, target } of table) {
    if (segments.length >= prefix.length && prefix.every((s, i) => segments[i] === s)) {
      return { route, upstreamPath: [...target, ...segments.slice(prefix.length)], target };
    }
  }
  return undefined;
}
