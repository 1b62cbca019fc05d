import type { Request, Response } from 'express';
import type { UpstreamResponse } from './upstream.client';

/** A service's answer, passed on as it is (status, type, body, Retry-After). */
export const relay = (res: Response, upstream: UpstreamResponse) => {
  if (upstream.retryAfter) res.setHeader('retry-after', upstream.retryAfter);
  return res.status(upstream.status).type(upstream.contentType).send(upstream.body);
};

/** The client's address as this gateway sees it (req.ip under the app's trust-proxy setting). */
export const clientAddress = (req: Request) => req.ip ?? req.socket.remoteAddress;
