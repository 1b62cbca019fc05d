import { readFileSync } from 'node:fs';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
/** The subset of TLS options given to node-postgres (both its own and TypeORM's types accept it). */
export interface PostgresTls {
  ca: string;
  rejectUnauthorized: true;
  checkServerIdentity: (servername: string, cert: PeerCertificate) => Error | undefined;
}

/** Connection-string parameters that would override the TLS settings given alongside the string. */
const SSL_PARAMETERS = ['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'sslpassword', 'uselibpqcompat'];

/**
 * How a service reaches PostgreSQL: with `caFile` (DATABASE_CA_FILE, a CA bundle mounted from a Secret
 * or trust bundle) over TLS that verifies the server's certificate against that CA and its host name
 * against the URL's host (libpq's `sslmode=verify-full`); the URL's own ssl parameters are dropped, as
 * node-postgres would otherwise let them override these settings. Without a CA file, the URL as given.
 * The host check is explicit: node-postgres upgrades an open socket and, for an IP address (no SNI
 * name), Node would otherwise check the certificate against `localhost`.
 */
export function postgresConnection(
  url: string,
  caFile?: string,
): { connectionString: string; ssl?: PostgresTls } {
  if (!caFile) return { connectionString: url };
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  for (const name of SSL_PARAMETERS) parsed.searchParams.delete(name);
  return {
    connectionString: parsed.toString(),
    ssl: {
      ca: readFileSync(caFile, 'utf8'),
      rejectUnauthorized: true,
      checkServerIdentity: (_servername, cert) => checkServerIdentity(host, cert),
    },
  };
}
