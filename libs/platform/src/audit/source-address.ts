import { isIP } from 'node:net';

/**
 * An IP address in one canonical form, or undefined when the input is not an address.
 * IPv4-mapped IPv6 (`::ffff:203.0.113.7`, what Node reports on dual-stack sockets) becomes plain IPv4,
 * so one client is one address in counters and audit entries.
 */
export function normaliseIpAddress(value: string | undefined | null): string | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed);
  const candidate = mapped ? mapped[1] : trimmed;
  const version = isIP(candidate);
  if (version === 4) return candidate;
  if (version === 6) return candidate.toLowerCase();
  return undefined;
}
