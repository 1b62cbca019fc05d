import { z } from 'zod';
import type { HttpMethod } from '@therapy-room/platform';

/**
 * The gateway's own routes (session controllers: login, second factor, SSO, logout, password, privacy
 * acknowledgement, use of a staff grant) for the public OpenAPI document. Their input is identity's:
 * each names the identity operation whose request schemas (from identity's fragment, i.e. the zod
 * schemas that validate them) it takes. Their answers differ from identity's in one way: the session
 * is a cookie (`__Host-tr_session`, HttpOnly, Secure, SameSite=Strict), never a token in the body.
 */
export interface SessionRouteAnswer {
  description: string;
  /** The body's schema; none for 204 and redirects. */
  schema?: z.ZodType;
  /** The answer sets the session cookie. */
  setsSession?: boolean;
  /** A 303 to this place (Location). */
  redirect?: string;
  /** Relayed as identity answers it (identity's documented answer for that status). */
  fromIdentity?: boolean;
}

export interface SessionRoute {
  method: HttpMethod;
  path: string;
  summary: string;
  /** Needs a session (cookie). */
  authenticated: boolean;
  /** The identity operation whose request schemas this route takes. */
  identity: { method: HttpMethod; path: string };
  /**
   * How identity's request reaches this route when not as the same body: identity's body properties
   * as query parameters (less the listed ones, which the gateway supplies), or one body property as
   * a path parameter.
   */
  input?:
    | { bodyAsQuery: { omit: string[] } }
    | { bodyPropertyAsPathParameter: { property: string; parameter: string } }
    | { none: true };
  answers: Record<number, SessionRouteAnswer>;
  /** Error statuses beyond the gateway's own (400, 401/403 for sessions, 413/415 for bodies, 503). */
  errors: number[];
}

const sessionUser = z.object({
  id: z.uuid(),
  role: z.enum(['org_admin', 'professional', 'client', 'platform_staff']),
  tenantId: z.uuid(),
});
const signedIn = z.object({ user: sessionUser, expiresAt: z.iso.datetime() });
const secondFactorChallenge = z.object({
  secondFactorRequired: z.literal(true),
  enrolmentRequired: z.literal(true).optional(),
  challenge: z.string(),
  expiresAt: z.iso.datetime(),
});
const nullableTime = z.iso.datetime().nullable();
/** A staff grant as its requester sees it (identity's GrantView), and the new session's expiry. */
const grantInUse = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  requesterId: z.uuid(),
  reason: z.string(),
  durationMinutes: z.int(),
  status: z.enum(['requested', 'approved', 'denied', 'revoked']),
  active: z.boolean(),
  requestedAt: z.iso.datetime(),
  decidedBy: z.uuid().nullable(),
  decidedAt: nullableTime,
  validFrom: nullableTime,
  validUntil: nullableTime,
  revokedAt: nullableTime,
  expiresAt: z.iso.datetime(),
});

/** A browser (Sec-Fetch-Mode: navigate) naming another region's organisation is sent there. */
const HOME_REGION_REDIRECT: SessionRouteAnswer = {
  description: "The organisation lives in another region: the same request at that region's base URL",
  redirect: "the organisation's home region",
};

export const sessionRoutes: SessionRoute[] = [
  {
    method: 'post',
    path: '/api/auth/login',
    summary: 'Password login: a session cookie, or a second-factor challenge (no cookie yet) when one is due',
    authenticated: false,
    identity: { method: 'post', path: '/auth/login' },
    answers: {
      200: {
        description: 'Signed in, or a second factor is due',
        schema: z.union([signedIn, secondFactorChallenge]),
        setsSession: true,
      },
      307: HOME_REGION_REDIRECT,
    },
    // 421: the organisation lives in another region (the body names its base URL).
    errors: [401, 421, 429],
  },
  {
    method: 'post',
    path: '/api/auth/login/second-factor',
    summary: 'The second login step (TOTP or recovery code against the challenge): a session cookie',
    authenticated: false,
    identity: { method: 'post', path: '/auth/login/second-factor' },
    answers: {
      200: {
        description: 'Signed in; the recovery codes of an enrolment made during login, this once',
        schema: signedIn.extend({ recoveryCodes: z.array(z.string()).optional() }),
        setsSession: true,
      },
    },
    errors: [401, 429],
  },
  {
    method: 'post',
    path: '/api/auth/logout',
    summary: 'Ends this session and clears the cookie',
    authenticated: true,
    identity: { method: 'post', path: '/auth/logout' },
    input: { none: true },
    answers: { 204: { description: 'Signed out' } },
    errors: [],
  },
  {
    method: 'post',
    path: '/api/auth/logout-everywhere',
    summary: 'Ends every session of the user',
    authenticated: true,
    identity: { method: 'post', path: '/auth/logout-everywhere' },
    input: { none: true },
    answers: { 204: { description: 'Signed out everywhere' } },
    errors: [],
  },
  {
    method: 'post',
    path: '/api/auth/password',
    summary: 'Changes the password: every other session ends, this one is rotated (new cookie)',
    authenticated: true,
    identity: { method: 'post', path: '/auth/password' },
    answers: {
      200: {
        description: 'Changed; the rotated session is in the cookie',
        schema: z.object({ expiresAt: z.iso.datetime() }),
        setsSession: true,
      },
    },
    errors: [429],
  },
  {
    method: 'post',
    path: '/api/auth/privacy-statement/acknowledge',
    summary: "Acknowledges the organisation's current privacy statement",
    authenticated: true,
    identity: { method: 'post', path: '/auth/privacy-statement/acknowledge' },
    answers: { 200: { description: 'Acknowledged', fromIdentity: true } },
    errors: [409],
  },
  {
    method: 'post',
    path: '/api/staff-access/grants/{id}/use',
    summary: 'Platform staff act under an approved grant: a new session (new cookie) in its organisation',
    authenticated: true,
    identity: { method: 'post', path: '/staff-access/grants/{id}/use' },
    answers: {
      200: {
        description: 'The grant in use; the new session is in the cookie',
        schema: grantInUse,
        setsSession: true,
      },
    },
    errors: [404, 409],
  },
  {
    method: 'get',
    path: '/api/auth/sso/{tenantSlug}/available',
    summary:
      'Whether the organisation offers single sign-on (for the sign-in button): records nothing, asks no provider',
    authenticated: false,
    identity: { method: 'post', path: '/auth/sso/available' },
    input: { bodyPropertyAsPathParameter: { property: 'organisation', parameter: 'tenantSlug' } },
    answers: {
      200: {
        description: 'Whether it does (an unknown organisation: no)',
        schema: z.object({ available: z.boolean() }),
      },
    },
    // 421: the organisation lives in another region (the body names its base URL).
    errors: [421],
  },
  {
    method: 'get',
    path: '/api/auth/sso/{tenantSlug}/start',
    summary: "Single sign-on, first leg: a binding cookie and a redirect to the organisation's provider",
    authenticated: false,
    identity: { method: 'post', path: '/auth/sso/start' },
    input: { bodyPropertyAsPathParameter: { property: 'organisation', parameter: 'tenantSlug' } },
    answers: {
      303: {
        description:
          "To the organisation's identity provider; a browser (Sec-Fetch-Mode: navigate) that cannot start is sent to /login?sso=<code> instead of an error body",
        redirect: 'the provider',
      },
      307: HOME_REGION_REDIRECT,
    },
    errors: [404, 421, 429],
  },
  {
    method: 'get',
    path: '/api/auth/sso/callback',
    summary:
      "Single sign-on, second leg (the provider's redirect back): a session cookie and a redirect to the app",
    authenticated: false,
    identity: { method: 'post', path: '/auth/sso/callback' },
    input: { bodyAsQuery: { omit: ['binding'] } },
    answers: {
      303: {
        description:
          'Signed in: to the app. A refused callback in a browser (Sec-Fetch-Mode: navigate): to /login?sso=<code> (failed, not_available, provider_unavailable, throttled), no cookie; other clients get the problem+json error',
        redirect: '/',
        setsSession: true,
      },
    },
    errors: [401, 429],
  },
];
