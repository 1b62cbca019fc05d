import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface OidcTestClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  /** RS256 unless set (the provider also has an ES256 key). */
  id_token_signed_response_alg?: 'RS256' | 'ES256';
}

/** Who logs in at the provider: `sub` is the provider's account id; the e-mail is what identity matches. */
export interface OidcTestAccount {
  sub: string;
  email: string;
  email_verified: boolean;
  name?: string;
  /** How the provider says the user authenticated (RFC 8176 `amr` in the ID token), e.g. ['pwd', 'otp']. */
  amr?: string[];
  /** The authentication context class the provider says it met (`urn:test:loa:1` or `urn:test:loa:2`). */
  acr?: string;
}

export interface TestOidcProvider {
  issuer: string;
  logs: string[];
  /**
   * What a browser does at the provider: opens the authorization URL, logs in as `account` (and
   * consents), follows the provider's redirects, and returns where the provider sends the browser
   * back: the client's redirect URI with `code`, `state` and `iss`.
   */
  authorize(authorizationUrl: string, account: OidcTestAccount): Promise<URL>;
  stop(): Promise<void>;
}

/**
 * A real OpenID Provider (`oidc-provider`) in a child process on 127.0.0.1 (the package is ESM-only,
 * which Jest's module system cannot load): discovery, authorization with PKCE, the token endpoint
 * with client secrets, signed ID tokens (RS256, ES256), JWKS and userinfo, as an organisation's
 * identity provider would offer them. See oidc-test-provider.mjs.
 */
export async function startOidcProvider(options: { clients: OidcTestClient[] }): Promise<TestOidcProvider> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'oidc-test-provider.mjs')], {
    env: { ...process.env, OIDC_TEST_PROVIDER_CONFIG: JSON.stringify({ clients: options.clients }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const issuer = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`OIDC provider not ready:\n${logs.join('\n')}`)), 30_000);
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        logs.push(line);
        if (line.startsWith('{"issuer"')) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { issuer: string }).issuer);
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`OIDC provider exited with ${code}:\n${logs.join('\n')}`));
    });
  });
  const origin = new URL(issuer).origin;

  return {
    issuer,
    logs,
    async authorize(authorizationUrl, account) {
      const jar = new Map<string, string>();
      const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
      let next = new URL(authorizationUrl);
      for (let hop = 0; hop < 10; hop++) {
        if (next.origin !== origin) return next;
        const login = /^\/interaction\/[\w-]+$/.test(next.pathname);
        const res = login
          ? await fetch(`${next.origin}${next.pathname}/login`, {
              method: 'POST',
              redirect: 'manual',
              headers: { cookie: cookie(), 'content-type': 'application/json' },
              body: JSON.stringify(account),
            })
          : await fetch(next, { redirect: 'manual', headers: { cookie: cookie() } });
        for (const set of res.headers.getSetCookie()) {
          const [pair] = set.split(';');
          const [name, ...value] = pair.split('=');
          if (value.join('=') === '') jar.delete(name.trim());
          else jar.set(name.trim(), value.join('='));
        }
        const location = res.headers.get('location');
        if (res.status < 300 || res.status >= 400 || !location) {
          throw new Error(`the provider answered ${res.status} at ${next.pathname}: ${await res.text()}`);
        }
        next = new URL(location, next);
      }
      throw new Error('too many redirects at the provider');
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
