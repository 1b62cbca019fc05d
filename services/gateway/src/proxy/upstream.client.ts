import {
  BadRequestException,
  Inject,
  Injectable,
  MethodNotAllowedException,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { Logger } from 'pino';
import type { Actor } from '@therapy-room/auth';
import { PLATFORM_CONFIG, PLATFORM_LOGGER, injectTraceHeaders, requestContext } from '@therapy-room/platform';
import type { GatewayConfig } from '../gateway.config';
import { InternalTokenSigner } from '../auth/internal-token-signer';
import type { Upstream } from './routes';
import { UpstreamUrlError, upstreamUrl } from './upstream-url';

export interface UpstreamResponse {
  status: number;
  contentType: string;
  body: string;
  /** Passed on to the client (429 and 503 answers). */
  retryAfter?: string;
}

/** The methods the gateway forwards; anything else (TRACE, CONNECT, OPTIONS, WebDAV…) is 405. */
export const FORWARDED_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
]);

export interface UpstreamRequest {
  /** The acting user: their internal token for this upstream. Without one, the gateway's service token. */
  actor?: Actor;
  body?: unknown;
  query?: URLSearchParams;
  /** The route's target: the upstream path must stay inside it. */
  within?: readonly string[];
  clientAddress?: string;
  /** The browser's device token (login routes only; see auth/login-cookies.ts). */
  deviceToken?: string;
}

/** A network failure or timeout on the way to a service (the only case that is a 503). */
const isNetworkFailure = (err: unknown) =>
  err instanceof Error &&
  (err.name === 'TimeoutError' ||
    err.name === 'AbortError' ||
    (err instanceof TypeError && err.message === 'fetch failed'));

/**
 * Internal HTTP to the services: trace context and request id travel along; failures never leak
 * details. Every call carries a credential minted for the service it goes to. Whatever cannot be
 * built from the request (method, path, body, headers) is the client's 4xx; only a service that cannot
 * be reached is a 503.
 */
@Injectable()
export class UpstreamClient {
  private readonly baseUrls: Record<Upstream, string>;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: GatewayConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
    private readonly signer: InternalTokenSigner,
  ) {
    this.baseUrls = {
      identity: config.IDENTITY_URL,
      caseload: config.CASELOAD_URL,
      content: config.CONTENT_URL,
      messaging: config.MESSAGING_URL,
      audit: config.AUDIT_URL,
      retention: config.RETENTION_URL,
    };
  }

  async send(
    upstream: Upstream,
    method: string,
    path: readonly string[],
    options: UpstreamRequest = {},
  ): Promise<UpstreamResponse> {
    const { url, headers, body } = this.build(upstream, method, path, options, 'application/json');
    try {
      const res = await fetch(url, {
        method,
        headers,
        body,
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
      throw this.failed(err, upstream);
    }
  }

  /**
   * Opens a long-lived GET (a Server-Sent Events stream) and answers as soon as the headers arrive: the
   * body is the caller's to read, until it ends or `signal` aborts. The connection must be established
   * within UPSTREAM_TIMEOUT_MS; after that no timeout applies (the stream carries heartbeats).
   */
  async openStream(
    upstream: Upstream,
    path: readonly string[],
    options: { actor: Actor; clientAddress?: string; signal: AbortSignal },
  ): Promise<Response> {
    const { url, headers } = this.build(upstream, 'GET', path, options, 'text/event-stream');
    const connect = new AbortController();
    const timer = setTimeout(() => connect.abort(), this.config.UPSTREAM_TIMEOUT_MS);
    try {
      return await fetch(url, {
        headers,
        signal: AbortSignal.any([options.signal, connect.signal]),
        redirect: 'manual',
      });
    } catch (err) {
      throw this.failed(err, upstream);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Everything taken from the request, checked before a connection is opened. */
  private build(
    upstream: Upstream,
    method: string,
    path: readonly string[],
    options: UpstreamRequest,
    accept: string,
  ): { url: URL; headers: Headers; body?: string } {
    if (!FORWARDED_METHODS.has(method)) throw new MethodNotAllowedException('This method is not allowed.');
    let url: URL;
    try {
      url = upstreamUrl(this.baseUrls[upstream], path, { query: options.query, within: options.within });
    } catch (err) {
      if (err instanceof UpstreamUrlError) throw new BadRequestException('The request path is not valid.');
      throw err;
    }
    let body: string | undefined;
    try {
      body = options.body === undefined ? undefined : JSON.stringify(options.body);
    } catch {
      // JSON.parse took it, but it cannot be written back (nested too deeply for the stack).
      throw new BadRequestException('The request body could not be read.');
    }
    const token = options.actor
      ? this.signer.forActor(options.actor, upstream)
      : this.signer.forGateway(upstream, method, url.pathname);
    const raw: Record<string, string> = { accept, authorization: `Bearer ${token}` };
    const requestId = requestContext.get()?.requestId;
    if (requestId) raw['x-request-id'] = requestId;
    // Always set by the gateway itself, never copied from the client's request.
    if (options.clientAddress) raw['x-client-address'] = options.clientAddress;
    if (options.deviceToken) raw['x-device-token'] = options.deviceToken;
    if (body !== undefined) raw['content-type'] = 'application/json';
    injectTraceHeaders(raw);
    try {
      return { url, headers: new Headers(raw), body };
    } catch {
      throw new BadRequestException('The request could not be forwarded.');
    }
  }

  private failed(err: unknown, upstream: Upstream): Error {
    const { name, message } = err instanceof Error ? err : new Error(String(err));
    if (isNetworkFailure(err)) {
      this.logger.error({ err: { name, message }, upstream }, 'upstream unreachable');
      return new ServiceUnavailableException('The service is temporarily unavailable. Please try again.');
    }
    this.logger.warn({ err: { name }, upstream }, 'request could not be forwarded');
    return new BadRequestException('The request could not be forwarded.');
  }
}
