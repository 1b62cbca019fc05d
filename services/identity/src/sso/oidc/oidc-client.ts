import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { PLATFORM_CONFIG } from '@therapy-room/platform';
import type { IdentityConfig } from '../../identity.config';
import {
  IdTokenError,
  decodeJws,
  validateIdTokenClaims,
  verifyJwsSignature,
  type IdTokenClaims,
  type Jwk,
} from './id-token';
import { IssuerHttpError, assertIssuerUrlAllowed, issuerJson, type IssuerHttpOptions } from './issuer-http';

/** What the provider publishes at /.well-known/openid-configuration, as far as we use it. */
const discoverySchema = z.object({
  issuer: z.string().min(1),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
  userinfo_endpoint: z.url().optional(),
  response_types_supported: z.array(z.string()).optional(),
  code_challenge_methods_supported: z.array(z.string()).optional(),
  token_endpoint_auth_methods_supported: z.array(z.string()).optional(),
  authorization_response_iss_parameter_supported: z.boolean().optional(),
});
export type OidcDiscovery = z.infer<typeof discoverySchema>;

const jwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())).max(100) });

const tokenResponseSchema = z.object({
  id_token: z.string().min(1),
  access_token: z.string().min(1).optional(),
  token_type: z.string().optional(),
});

/** A step of the protocol with the provider failed; `reason` is the audit code. */
export class OidcError extends Error {
  constructor(
    readonly reason:
      | 'provider_unavailable'
      | 'token_exchange_failed'
      | 'id_token_invalid'
      | 'nonce_mismatch'
      | 'userinfo_failed',
    message: string,
  ) {
    super(message);
    this.name = 'OidcError';
  }
}

const DISCOVERY_TTL_MS = 10 * 60_000;
const JWKS_TTL_MS = 10 * 60_000;
/** A key set is fetched again for an unknown key at most this often (key rotation at the provider). */
const JWKS_REFETCH_MIN_MS = 30_000;

interface Cached<T> {
  value: T;
  fetchedAt: number;
}

export interface ProviderClaims {
  sub: string;
  email?: string;
  emailVerified: boolean;
  name?: string;
  /** How the user authenticated at the provider (RFC 8176 `amr`; `acr`), from the signed ID token only. */
  amr?: unknown;
  acr?: unknown;
}

/**
 * The client side of OpenID Connect's authorization code flow with PKCE, on node:crypto and node:http
 * (see id-token.ts for why no library): discovery, the code exchange with a client secret, the ID
 * token's signature against the provider's keys and its claims, and the userinfo endpoint when the
 * e-mail is not in the ID token. Discovery documents and key sets are cached per issuer for 10
 * minutes; a key set is fetched again when a token names a key it does not have.
 */
@Injectable()
export class OidcClient {
  private readonly discoveries = new Map<string, Cached<OidcDiscovery>>();
  private readonly keySets = new Map<string, Cached<Jwk[]>>();
  private readonly http: IssuerHttpOptions;

  constructor(@Inject(PLATFORM_CONFIG) config: IdentityConfig) {
    this.http = { allowInsecure: config.SSO_ALLOW_INSECURE_ISSUERS, timeoutMs: config.SSO_HTTP_TIMEOUT_MS };
  }

  get allowsInsecureIssuers(): boolean {
    return this.http.allowInsecure;
  }

  /** Throws IssuerHttpError when the issuer URL may not be used at all (http, private address). */
  assertIssuerAllowed(issuer: string): void {
    assertIssuerUrlAllowed(new URL(issuer), this.http.allowInsecure);
  }

  /**
   * The provider's configuration, checked: its `issuer` must be exactly the configured one (OIDC
   * Discovery 4.3), it must offer the code flow, PKCE with S256 if it lists methods, and its endpoints
   * must be allowed URLs. `fresh` skips the cache (when an org admin saves the configuration).
   */
  async discover(issuer: string, options: { fresh?: boolean } = {}): Promise<OidcDiscovery> {
    const cached = this.discoveries.get(issuer);
    if (!options.fresh && cached && Date.now() - cached.fetchedAt < DISCOVERY_TTL_MS) return cached.value;
    const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const unavailable = (why: string) => new OidcError('provider_unavailable', `discovery: ${why}`);
    let json: Record<string, unknown>;
    try {
      const res = await issuerJson(url, this.http);
      if (res.status !== 200) throw unavailable(`answered ${res.status}`);
      json = res.json;
    } catch (err) {
      throw err instanceof OidcError ? err : unavailable((err as Error).message);
    }
    const parsed = discoverySchema.safeParse(json);
    if (!parsed.success) throw unavailable('not an OpenID Provider configuration');
    const discovery = parsed.data;
    if (discovery.issuer !== issuer) throw unavailable('its issuer is not the configured one');
    if (discovery.response_types_supported && !discovery.response_types_supported.includes('code')) {
      throw unavailable('no authorization code flow');
    }
    if (
      discovery.code_challenge_methods_supported &&
      !discovery.code_challenge_methods_supported.includes('S256')
    ) {
      throw unavailable('no PKCE with S256');
    }
    for (const endpoint of [
      discovery.authorization_endpoint,
      discovery.token_endpoint,
      discovery.jwks_uri,
      ...(discovery.userinfo_endpoint ? [discovery.userinfo_endpoint] : []),
    ]) {
      try {
        assertIssuerUrlAllowed(new URL(endpoint), this.http.allowInsecure);
      } catch (err) {
        throw unavailable(`endpoint not allowed (${(err as Error).message})`);
      }
    }
    this.discoveries.set(issuer, { value: discovery, fetchedAt: Date.now() });
    return discovery;
  }

  /**
   * Exchanges the authorization code (with the PKCE verifier) at the token endpoint, authenticating
   * with the client secret (HTTP Basic, or in the body when the provider supports only that).
   */
  async exchangeCode(
    discovery: OidcDiscovery,
    client: { clientId: string; clientSecret: string; redirectUri: string },
    code: string,
    codeVerifier: string,
  ): Promise<{ idToken: string; accessToken?: string }> {
    const methods = discovery.token_endpoint_auth_methods_supported;
    const inBody =
      methods !== undefined &&
      !methods.includes('client_secret_basic') &&
      methods.includes('client_secret_post');
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      code_verifier: codeVerifier,
      ...(inBody ? { client_id: client.clientId, client_secret: client.clientSecret } : {}),
    });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (!inBody) {
      // RFC 6749 2.3.1: each part form-urlencoded before Basic.
      const basic = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
    }
    let res: { status: number; json: Record<string, unknown> };
    try {
      res = await issuerJson(discovery.token_endpoint, {
        ...this.http,
        method: 'POST',
        headers,
        body: form.toString(),
      });
    } catch (err) {
      throw new OidcError('token_exchange_failed', `token endpoint: ${(err as Error).message}`);
    }
    if (res.status !== 200) {
      const error = typeof res.json.error === 'string' ? res.json.error.slice(0, 64) : 'unknown';
      throw new OidcError('token_exchange_failed', `token endpoint answered ${res.status} (${error})`);
    }
    const tokens = tokenResponseSchema.safeParse(res.json);
    if (!tokens.success) throw new OidcError('token_exchange_failed', 'no ID token in the token response');
    if (tokens.data.token_type && tokens.data.token_type.toLowerCase() !== 'bearer') {
      throw new OidcError('token_exchange_failed', 'unexpected token type');
    }
    return { idToken: tokens.data.id_token, accessToken: tokens.data.access_token };
  }

  /** Verifies the ID token's signature with the provider's keys, then its claims (see id-token.ts). */
  async verifyIdToken(
    discovery: OidcDiscovery,
    idToken: string,
    expected: { clientId: string; nonceHash: Buffer; now: Date },
  ): Promise<IdTokenClaims> {
    try {
      const jws = decodeJws(idToken);
      let keys = await this.keys(discovery.jwks_uri, false);
      let result = verifyJwsSignature(jws, keys);
      if (!result.found) {
        keys = await this.keys(discovery.jwks_uri, true);
        result = verifyJwsSignature(jws, keys);
      }
      if (!result.valid) throw new IdTokenError('id_token_invalid', 'signature not valid');
      return validateIdTokenClaims(jws.claims, { issuer: discovery.issuer, ...expected });
    } catch (err) {
      if (err instanceof IdTokenError) throw new OidcError(err.reason, err.message);
      throw err;
    }
  }

  /**
   * The e-mail claims: from the ID token when it has both, else from the userinfo endpoint (whose
   * `sub` must be the ID token's; OIDC Core 5.3.2). Only a JSON userinfo answer is used.
   */
  async claims(
    discovery: OidcDiscovery,
    idToken: IdTokenClaims,
    accessToken: string | undefined,
  ): Promise<ProviderClaims> {
    let source: Record<string, unknown> = idToken;
    const inIdToken = idToken.email !== undefined && idToken.email_verified !== undefined;
    if (!inIdToken && discovery.userinfo_endpoint && accessToken) {
      let res: { status: number; json: Record<string, unknown> };
      try {
        res = await issuerJson(discovery.userinfo_endpoint, {
          ...this.http,
          headers: { authorization: `Bearer ${accessToken}` },
        });
      } catch (err) {
        throw new OidcError('userinfo_failed', `userinfo: ${(err as Error).message}`);
      }
      if (res.status !== 200) throw new OidcError('userinfo_failed', `userinfo answered ${res.status}`);
      if (res.json.sub !== idToken.sub)
        throw new OidcError('userinfo_failed', 'userinfo is about someone else');
      source = res.json;
    }
    return {
      sub: idToken.sub,
      email: typeof source.email === 'string' ? source.email : undefined,
      // Strictly the JSON boolean true: a string "true" or a missing claim is not a verified address.
      emailVerified: source.email_verified === true,
      name: typeof source.name === 'string' ? source.name : undefined,
      amr: idToken.amr,
      acr: idToken.acr,
    };
  }

  private async keys(jwksUri: string, refresh: boolean): Promise<Jwk[]> {
    const cached = this.keySets.get(jwksUri);
    const age = cached ? Date.now() - cached.fetchedAt : Infinity;
    if (cached && (refresh ? age < JWKS_REFETCH_MIN_MS : age < JWKS_TTL_MS)) return cached.value;
    let json: Record<string, unknown>;
    try {
      const res = await issuerJson(jwksUri, this.http);
      if (res.status !== 200) throw new IssuerHttpError(`answered ${res.status}`);
      json = res.json;
    } catch (err) {
      throw new OidcError('provider_unavailable', `keys: ${(err as Error).message}`);
    }
    const parsed = jwksSchema.safeParse(json);
    if (!parsed.success) throw new OidcError('provider_unavailable', 'keys: not a JWK set');
    const keys = parsed.data.keys as Jwk[];
    this.keySets.set(jwksUri, { value: keys, fetchedAt: Date.now() });
    return keys;
  }
}
