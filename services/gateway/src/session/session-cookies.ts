import type { Response } from 'express';
import { SESSION_COOKIE } from '../gateway.config';
import { DEVICE_COOKIE, deviceCookieOptions } from '../auth/login-cookies';
import type { UpstreamResponse } from '../proxy/upstream.client';

export const sessionCookieOptions = { httpOnly: true, secure: true, sameSite: 'strict', path: '/' } as const;

/**
 * Identity's new session becomes the cookie the browser cannot read (and the device token, when
 * identity hands one out at login, the device cookie); the rest of the answer is returned.
 */
export function setSessionCookies(res: Response, answer: UpstreamResponse): Record<string, unknown> {
  const { token, deviceToken, ...rest } = JSON.parse(answer.body) as {
    token: string;
    expiresAt: string;
    deviceToken?: unknown;
  } & Record<string, unknown>;
  res.cookie(SESSION_COOKIE, token, { ...sessionCookieOptions, expires: new Date(rest.expiresAt) });
  if (typeof deviceToken === 'string') res.cookie(DEVICE_COOKIE, deviceToken, deviceCookieOptions);
  return rest;
}

/** The session as cookies (setSessionCookies); of the rest only the listed fields go back (never a token). */
export function sendSession(res: Response, answer: UpstreamResponse, fields: string[]) {
  const rest = setSessionCookies(res, answer);
  return res
    .status(200)
    .json(Object.fromEntries(fields.filter((f) => rest[f] !== undefined).map((f) => [f, rest[f]])));
}
