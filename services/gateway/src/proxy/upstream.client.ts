import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { Logger } from 'pino';
import { PLATFORM_CONFIG, PLATFORM_LOGGER, injectTraceHeaders, requestContext } from '@therapy-room/platform';
import type { GatewayConfig } from '../gateway.config';
import type { Upstream } from './routes';

export interface UpstreamResponse {
  status: number;
  contentType: string;
  body: string;
  /** Passed on to the client (429 and 503 answers). */
  retryAfter?: string;
}

/** Internal HTTP to the services: trace context and request id travel along; failures never leak details. */
@Injectable()
export class UpstreamClient {
  private readonly baseUrls: Record<Upstream, string>;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: GatewayConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {
    this.baseUrls = {
      identity: config.IDENTITY_URL.replace(/\/$/, ''),
      caseload: config.CASELOAD_URL.replace(/\/$/, ''),
      content: config.CONTENT_URL.replace(/\/$/, ''),
      messaging: config.MESSAGING_URL.replace(/\/$/, ''),
      audit: config.AUDIT_URL.replace(/\/$/, ''),
    };
  }

  async send(
    upstream: Upstream,
    method: string,
    path: string,
    options: {
      body?: unknown;
      token?: string;
      query?: string;
      clientAddress?: string;
      /** The browser's device token (login routes only; see auth/login-cookies.ts). */
      deviceToken?: string;
    } = {},
  ): Promise<UpstreamResponse> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const requestId = requestContext.get()?.requestId;
    if (requestId) headers['x-request-id'] = requestId;
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    // Always set by the gateway itself, never copied from the client's request.
    if (options.clientAddress) headers['x-client-address'] = options.clientAddress;
    if (options.deviceToken) headers['x-device-token'] = options.deviceToken;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    injectTraceHeaders(headers);
    const url = `${this.baseUrls[upstream]}${path}${options.query ? `?${options.query}` : ''}`;
    try {
      const res = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.config.UPSTREAM_TIMEOUT_MS),
        redirect: 'manual',
      });
      return {
        status: res.status,
        contentType: res.headers.get('content-type') ?? 'application/json',
        body: await res.text(),
        retryAfter: res.headers.get('retry-after') ?? undefined,
      };
    } catch (err) {
      this.logger.error(
        { err: { name: (err as Error).name, message: (err as Error).message }, upstream, path },
        'upstream unreachable',
      );
      throw new ServiceUnavailableException('The service is temporarily unavailable. Please try again.');
    }
  }

  /**
   * Opens a long-lived GET (a Server-Sent Events stream) and answers as soon as the headers arrive: the
   * body is the caller's to read, until it ends or `signal` aborts. The connection must be established
   * within UPSTREAM_TIMEOUT_MS; after that no timeout applies (the stream carries heartbeats).
   */
  async openStream(
    upstream: Upstream,
    path: string,
    options: { token: string; clientAddress?: string; signal: AbortSignal },
  ): Promise<Response> {
    const headers: Record<string, string> = {
      accept: 'text/event-stream',
      authorization: `Bearer ${options.token}`,
    };
    const requestId = requestContext.get()?.requestId;
    if (requestId) headers['x-request-id'] = requestId;
    if (options.clientAddress) headers['x-client-address'] = options.clientAddress;
    injectTraceHeaders(headers);
    const connect = new AbortController();
    const timer = setTimeout(() => connect.abort(), this.config.UPSTREAM_TIMEOUT_MS);
    try {
      return await fetch(`${this.baseUrls[upstream]}${path}`, {
        headers,
        signal: AbortSignal.any([options.signal, connect.signal]),
        redirect: 'manual',
      });
    } catch (err) {
      this.logger.error(
        { err: { name: (err as Error).name, message: (err as Error).message }, upstream, path },
        'upstream unreachable',
      );
      throw new ServiceUnavailableException('The service is temporarily unavailable. Please try again.');
    } finally {
      clearTimeout(timer);
    }
  }
}
