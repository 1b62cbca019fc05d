import { BlockList, isIP } from 'node:net';
import { z } from 'zod';
import { normaliseIpAddress } from '../audit/source-address';

/** A range of addresses in CIDR notation, as given (a bare address is a range of one). */
export interface CidrRange {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** Loopback only: the dev stack and tests, where the test client or `npm start`'s own hops are local. */
export const LOOPBACK_PROXIES = '127.0.0.0/8,::1/128';

function parseCidr(entry: string): CidrRange | undefined {
  const [address, prefixText, ...rest] = entry.split('/');
  const version = isIP(address);
  if (rest.length > 0 || version === 0) return undefined;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return undefined;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * TRUSTED_PROXIES: a comma-separated list of CIDR ranges (or single addresses) of the proxies in front
 * of the service, or `none`. Every bad entry is named at once.
 */
export const trustedProxiesSchema = z.string().transform((text, ctx) => {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 1 && entries[0] === 'none') return [];
  const ranges = entries.map((entry) => ({ entry, range: parseCidr(entry) }));
  const bad = ranges.filter((r) => !r.range).map((r) => r.entry);
  if (bad.length > 0 || entries.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: `must be CIDR ranges (e.g. 10.0.0.0/8, fd00::/8) separated by commas, or "none"; not CIDR ranges: ${bad.join(', ') || '(empty)'}`,
    });
    return z.NEVER;
  }
  return ranges.map((r) => r.range!);
});

/**
 * The proxies whose X-Forwarded-For entries are believed: TRUSTED_PROXIES when set; otherwise none in
 * production (NODE_ENV=production: a deployment names its ingress) and loopback elsewhere.
 */
export function trustedProxies(config: { TRUSTED_PROXIES?: CidrRange[]; NODE_ENV?: string }): CidrRange[] {
  if (config.TRUSTED_PROXIES) return config.TRUSTED_PROXIES;
  return config.NODE_ENV === 'production' ? [] : trustedProxiesSchema.parse(LOOPBACK_PROXIES);
}

/**
 * Express's `trust proxy` as a function of the hop's address. Express (proxy-addr) starts at the
 * socket's peer and walks X-Forwarded-For from the right while the hop is trusted: the client address
 * is the right-most address that is not a trusted proxy, so nobody outside the list can choose it.
 */
export function trustProxyFunction(ranges: CidrRange[]): (address: string) => boolean {
  const list = new BlockList();
  for (const range of ranges) list.addSubnet(range.address, range.prefix, range.family);
  return (address: string) => {
    const normalised = normaliseIpAddress(address);
    if (!normalised) return false;
    return list.check(normalised, isIP(normalised) === 4 ? 'ipv4' : 'ipv6');
  };
}
