import type { Request } from 'express';

/**
 * The browser's device token, for "new sign-in" notices: identity hands it out at login and only
 * ever stores a hash of it per account. Long-lived (browsers cap cookies at 400 days), HttpOnly, and
 * SameSite=Lax so that it also comes along on the provider's redirect back after single sign-on (a
 * cross-site navigation). It is not a credential: it decides only whether a notice is mailed.
 */
export const DEVICE_COOKIE = '__Host-tr_device';
export const deviceCookieOptions = {
  httpOnly: true,
  secure: true,
  sameSite: 'lax',
  path: '/',
  maxAge: 400 * 24 * 60 * 60 * 1000,
} as const;

/**
 * Binds a single sign-on attempt to the browser that started it: set at the start, brought back on
 * the provider's redirect (SameSite=Lax: a top-level navigation from the provider's site), and
 * cleared by the callback. Without it, someone could make a victim's browser finish the attacker's
 * login (login CSRF).
 */
export const SSO_COOKIE = '__Host-tr_sso';
export const ssoCookieOptions = { httpOnly: true, secure: true, sameSite: 'lax', path: '/' } as const;

const token = /^[A-Za-z0-9_-]{43}$/;

/** The cookie's value when it has the shape identity hands out, else nothing. */
export function cookieToken(req: Request, name: string): string | undefined {
  const value: unknown = req.cookies?.[name];
  return typeof value === 'string' && token.test(value) ? value : undefined;
}
