import { z } from 'zod';
import {
  baseConfigShape,
  databaseConfigShape,
  internalTokenVerifyShape,
  secret,
} from '@therapy-room/platform';
import { base64KeySchema } from '@therapy-room/data-protection';

export const identityConfigShape = {
  ...baseConfigShape,
  ...databaseConfigShape,
  ...internalTokenVerifyShape,
  SESSION_IDLE_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 60),
  SESSION_ABSOLUTE_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(12 * 60 * 60),
  /** Login throttling (see sessions/login-throttle.policy.ts): failures are forgotten after this long without one. */
  LOGIN_THROTTLE_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 60),
  /** From this many failures per (account, address), each further attempt waits: base, then doubling. */
  LOGIN_THROTTLE_DELAY_AFTER: z.coerce.number().int().positive().default(5),
  LOGIN_THROTTLE_DELAY_BASE_SECONDS: z.coerce.number().int().positive().default(1),
  /** This many failures per (account, address) lock that pair (only that pair) for a window. */
  LOGIN_THROTTLE_LOCK_AFTER: z.coerce.number().int().positive().default(10),
  /**
   * This many failures on one account from browsers it does not know, across all addresses, lock the
   * account for a window, for those browsers only: a browser that has signed in to it before keeps
   * an allowance of its own (LOGIN_THROTTLE_LOCK_AFTER), so the real user is not locked out.
   */
  LOGIN_THROTTLE_ACCOUNT_LOCK_AFTER: z.coerce.number().int().positive().default(10),
  /** This many failures from one address, across accounts, lock that address for a window. */
  LOGIN_THROTTLE_ADDRESS_LOCK_AFTER: z.coerce.number().int().positive().default(50),
  /**
   * How often identity looks for staff access grants whose time ran out, to announce their end
   * (`identity.staff-grant.ended.v1`: gateways drop the sessions using them). Between sweeps, session
   * resolution already refuses them.
   */
  STAFF_GRANT_SWEEP_SECONDS: z.coerce.number().int().positive().max(300).default(10),
  /**
   * How often idle accounts are looked for (organisations that turned the rule on): warnings a week
   * before, deactivations when the days are up. At least daily; more often only finds nothing more.
   */
  IDLE_SWEEP_SECONDS: z.coerce.number().int().positive().max(86400).default(3600),
  /**
   * Training accounts (professionals and their practice clients) take no licence seat, so an
   * organisation may have at most this many of them, invited or active.
   */
  TRAINING_ACCOUNTS_MAX: z.coerce.number().int().min(0).default(10),
  /** Public address of the gateway: invitation and reset links point there. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
  /** SMTP server for invitations and resets (may carry credentials). Unset: mails wait in mail_outbox. */
  SMTP_URL: secret(z.url({ protocol: /^smtps?$/ }).optional()),
  MAIL_FROM: z.string().min(3).default('Therapy Room <no-reply@therapy-room.invalid>'),
  /** A mail that fails this often is parked (left in mail_outbox with parked_at set). */
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().positive().default(10),
  /**
   * OIDC single sign-on: allow issuers over plain http:// and on loopback or private addresses. Off in
   * production (an org admin's issuer URL is fetched by identity: https only, public addresses only).
   * For tests and local development with a provider on this machine.
   */
  SSO_ALLOW_INSECURE_ISSUERS: z.stringbool().default(false),
  /** Time limit of each call to an identity provider (discovery, keys, token, userinfo). */
  SSO_HTTP_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  /** AES-256-GCM key (32 bytes, base64) that encrypts TOTP secrets and SSO client secrets at rest. */
  TOTP_ENCRYPTION_KEY: secret(base64KeySchema),
};
export type IdentityConfig = z.infer<z.ZodObject<typeof identityConfigShape>>;
