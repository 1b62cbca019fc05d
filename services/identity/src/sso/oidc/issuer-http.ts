import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';

/**
 * HTTP to an organisation's identity provider. Its address is typed in by an org admin and fetched
 * by identity, inside the cluster: so by default https only, and never an address in a loopback,
 * private, link-local or otherwise special range (checked on the address actually connected to, so a
 * DNS answer that changes between check and use cannot slip through). No redirects are followed,
 * answers are capped at 1 MiB, every call has a time limit.
 */

const MAX_BODY_BYTES = 1024 * 1024;

// Two lists: a BlockList also matches IPv4 addresses against IPv6 rules (as IPv4-mapped addresses).
const specialV4 = new BlockList();
const specialV6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  specialV4.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  specialV6.addSubnet(net, prefix, 'ipv6');
}

/** True for addresses a provider on the internet never has (loopback, private, link-local, …). */
export function isSpecialAddress(address: string): boolean {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return specialV4.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 4) return specialV4.check(address, 'ipv4');
  // Other IPv4-mapped forms (hex) are not public either.
  if (family === 6) return /^::ffff:/i.test(address) || specialV6.check(address, 'ipv6');
  return true;
}

export class IssuerHttpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IssuerHttpError';
  }
}

export interface IssuerHttpOptions {
  /** http:// and special addresses allowed (tests, local development). */
  allowInsecure: boolean;
  timeoutMs: number;
}

export interface IssuerResponse {
  status: number;
  contentType: string;
  body: string;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** dns.lookup that refuses special addresses (Node calls it for every connection to a host name). */
function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const list = addresses as LookupAddress[];
    if (list.length === 0 || list.some((a) => isSpecialAddress(a.address))) {
      const refused: NodeJS.ErrnoException = new Error(`${hostname} resolves to a non-public address`);
      refused.code = 'EADDRNOTAVAIL';
      return callback(refused, []);
    }
    if (options.all) return callback(null, list);
    return callback(null, list[0].address, list[0].family);
  });
}

/** Checks a URL before use: https (unless insecure is allowed), no credentials, no special IP literal. */
export function assertIssuerUrlAllowed(url: URL, allowInsecure: boolean): void {
  if (url.protocol !== 'https:' && !(allowInsecure && url.protocol === 'http:')) {
    throw new IssuerHttpError('only https:// is allowed');
  }
  if (url.username || url.password) throw new IssuerHttpError('credentials in the URL are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowInsecure && (isIP(host) ? isSpecialAddress(host) : host === 'localhost')) {
    throw new IssuerHttpError('the address is not public');
  }
}

export async function issuerRequest(
  target: string,
  options: IssuerHttpOptions & { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
): Promise<IssuerResponse> {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new IssuerHttpError('not a URL');
  }
  assertIssuerUrlAllowed(url, options.allowInsecure);
  const requestOptions: RequestOptions = {
    method: options.method ?? 'GET',
    headers: {
      accept: 'application/json',
      'user-agent': 'therapy-room-identity',
      ...options.headers,
      ...(options.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(options.body)) }),
    },
    signal: AbortSignal.timeout(options.timeoutMs),
    ...(options.allowInsecure ? {} : { lookup: publicOnlyLookup as RequestOptions['lookup'] }),
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<IssuerResponse>((resolve, reject) => {
    const req = send(url, requestOptions, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          req.destroy(new IssuerHttpError('answer too large'));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', (err: Error) =>
      reject(err instanceof IssuerHttpError ? err : new IssuerHttpError(`request failed (${err.name})`)),
    );
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** A JSON object from the provider, or an IssuerHttpError naming what went wrong (never the body). */
export async function issuerJson(
  target: string,
  options: IssuerHttpOptions & { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await issuerRequest(target, options);
  let json: unknown;
  try {
    json = JSON.parse(res.body);
  } catch {
    throw new IssuerHttpError(`answer ${res.status} is not JSON`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new IssuerHttpError(`answer ${res.status} is not a JSON object`);
  }
  return { status: res.status, json: json as Record<string, unknown> };
}
