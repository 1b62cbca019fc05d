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
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  specialV6.addSubnet(net, prefix, 'ipv6');
}

/** The 16 bytes of an IPv6 address (with or without an embedded dotted IPv4 tail), or null. */
export function ipv6Bytes(address: string): Uint8Array | null {
  const text = address.replace(/%.*$/, '');
  if (isIP(text) !== 6) return null;
  const groups = (part: string): number[] => {
    if (!part) return [];
    return part.split(':').flatMap((g) => {
      if (!g.includes('.')) return [parseInt(g, 16)];
      const [a, b, c, d] = g.split('.').map(Number);
      return [(a << 8) | b, (c << 8) | d];
    });
  };
  const [head, tail] = text.split('::');
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

const startsWith = (bytes: Uint8Array, prefix: number[]): boolean => prefix.every((b, i) => bytes[i] === b);
const zeros = (n: number) => Array<number>(n).fill(0);
const v4At = (bytes: Uint8Array, at: number) => Array.from(bytes.subarray(at, at + 4)).join('.');

/**
 * IPv6 forms that carry (or lead to) an IPv4 address are judged by that address, or refused whole
 * where the translation is not well defined: a host name resolving to `64:ff9b::a9fe:a9fe` must not
 * reach 169.254.169.254 through a NAT64 gateway.
 * - IPv4-mapped `::ffff:0:0/96`: the IPv4 address it stands for.
 * - NAT64 well-known prefix `64:ff9b::/96` (RFC 6052): the embedded IPv4 address (DNS64 synthesises
 *   these for public hosts in IPv6-only clusters, so a public one stays allowed).
 * - IPv4-compatible `::/96` (deprecated; also `::` and `::1`), SIIT `::ffff:0:0:0/96`, local-use NAT64
 *   `64:ff9b:1::/48` (RFC 8215, operator-defined embedding), 6to4 `2002::/16` (deprecated, RFC 7526:
 *   relays reach the embedded IPv4 address) and Teredo `2001::/32` (in `2001::/23`): never public
 *   providers, refused.
 */
function isSpecialV6(bytes: Uint8Array, text: string): boolean {
  if (startsWith(bytes, [...zeros(10), 0xff, 0xff])) return specialV4.check(v4At(bytes, 12), 'ipv4');
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b, ...zeros(8)])) {
    return specialV4.check(v4At(bytes, 12), 'ipv4');
  }
  if (startsWith(bytes, zeros(12))) return true;
  if (startsWith(bytes, [...zeros(8), 0xff, 0xff, 0x00, 0x00])) return true;
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01])) return true;
  if (startsWith(bytes, [0x20, 0x02])) return true;
  return specialV6.check(text, 'ipv6');
}

/** True for addresses a provider on the internet never has (loopback, private, link-local, …). */
export function isSpecialAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return specialV4.check(address, 'ipv4');
  const bytes = ipv6Bytes(address);
  if (!bytes) return true;
  // The canonical text of the bytes, so the list is matched whatever way the address was written.
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] << 8) | bytes[2 * i + 1]).toString(16));
  return isSpecialV6(bytes, groups.join(':'));
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
