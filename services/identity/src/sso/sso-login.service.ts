import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource, QueryFailedError } from 'typeorm';
import { z } from 'zod';
import { AuditEmitter, PLATFORM_LOGGER } from '@therapy-room/platform';
import { Clock } from '@therapy-room/platform';
import { IdentityErrorCode, IdentityException } from '../common/identity.exception';
import { normaliseEmail } from '../common/normalise';
import { TenantsRepository } from '../tenants/tenants.repository';
import { UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { NO_TENANT_ID, type LoginResult } from '../sessions/sessions.service';
import { SessionStartService } from '../sessions/session-start.service';
import { accountKey, throttleAddress } from '../sessions/policies/login-throttle.policy';
import { TotpSecretCipher } from '../two-factor/totp-secret-cipher';
import { TwoFactorService } from '../two-factor/two-factor.service';
import { providerAssertsMfa } from './policies/provider-mfa';
import { OidcClient, OidcError } from './oidc/oidc-client';
import { SsoRepository, type SsoConfigRow } from './sso.repository';
import { SsoConfigService } from './sso-config.service';
import { SSO_FAILED, SsoErrorCode, SsoException } from './sso.exception';
import type { SsoAvailability, SsoCallbackDto, SsoStartAnswer, SsoStartDto } from './dto/sso-login.dto';

/** A started login must come back within this time, and only once. */
export const SSO_STATE_TTL_MS = 10 * 60_000;

const random = () => randomBytes(32).toString('base64url');
const sha256 = (value: string) => createHash('sha256').update(value).digest();
const verifierAad = (stateId: string) => `sso_login_state:${stateId}`;
const emailSchema = z.email().max(254);

/** Audit codes of a refused callback (never shown to the user, who gets one generic answer). */
export type SsoRefusal =
  | 'state_invalid'
  | 'binding_mismatch'
  | 'sso_disabled'
  | 'provider_error'
  | 'code_missing'
  | 'issuer_mismatch'
  | 'provider_unavailable'
  | 'token_exchange_failed'
  | 'id_token_invalid'
  | 'nonce_mismatch'
  | 'userinfo_failed'
  | 'email_missing'
  | 'email_unverified'
  | 'account_unknown'
  | 'role_not_allowed'
  | 'account_deactivated'
  | 'account_not_active'
  | 'mfa_required';

/** What a refusal's audit entry can say about the attempt so far. */
interface Attempt {
  tenantId: string | null;
  stateId: string | null;
  userId: string | null;
}

/**
 * Login through the organisation's OpenID Provider: authorization code flow with PKCE (S256), a
 * random `state` and `nonce` per attempt (stored hashed, single use, 10 minutes) and a browser
 * binding (a cookie set by the gateway at the start, so a callback cannot be replayed in another
 * browser: login CSRF). The account is matched by the verified e-mail within that organisation only;
 * org admins and platform staff never sign in this way (password and TOTP only), nor roles the
 * organisation has not allowed; an account that needs a second factor (the organisation requires
 * it, or the user turned it on) only when the provider asserts multi-factor authentication. Optionally an unknown e-mail becomes a client account. The session is
 * then made exactly as for a password login (SessionStartService.startSession). Every callback is
 * audited (`auth.sso`), a refusal with its reason code.
 */
@Injectable()
export class SsoLoginService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SsoRepository,
    private readonly configs: SsoConfigService,
    private readonly tenants: TenantsRepository,
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
    private readonly sessions: SessionStartService,
    private readonly oidc: OidcClient,
    private readonly cipher: TotpSecretCipher,
    private readonly audit: AuditEmitter,
    private readonly clock: Clock,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
    private readonly twoFactor: TwoFactorService,
  ) {}

  /**
   * Whether a sign-in button should offer single sign-on: the organisation has it switched on. Asks
   * nobody (not the provider) and writes nothing, unlike `start`, which records an attempt. An unknown
   * organisation is answered as one without it.
   */
  async available(dto: SsoStartDto): Promise<SsoAvailability> {
    const tenant = await this.tenants.findBySlug(dto.organisation);
    const config = tenant && (await this.repository.findConfig(tenant.id));
    return { available: Boolean(config?.enabled) };
  }

  /** Where to send the browser: the provider's authorization endpoint, with this attempt's parameters. */
  async start(dto: SsoStartDto): Promise<SsoStartAnswer> {
    const tenant = await this.tenants.findBySlug(dto.organisation);
    const config = tenant && (await this.repository.findConfig(tenant.id));
    if (!tenant || !config?.enabled) {
      throw new SsoException(
        SsoErrorCode.NotAvailable,
        'Single sign-on is not available for this organisation.',
      );
    }
    const discovery = await this.oidc.discover(config.issuer).catch((err: unknown) => {
      if (!(err instanceof OidcError)) throw err;
      this.logger.warn({ tenantId: tenant.id, reason: err.message }, 'sso provider unavailable');
      throw new SsoException(
        SsoErrorCode.ProviderUnavailable,
        "Your organisation's sign-in service cannot be reached. Try again later.",
      );
    });
    const [state, nonce, codeVerifier, binding] = [random(), random(), random(), random()];
    const id = randomUUID();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + SSO_STATE_TTL_MS);
    await this.repository.insertLoginState(
      {
        id,
        tenantId: tenant.id,
        stateHash: sha256(state),
        bindingHash: sha256(binding),
        nonceHash: sha256(nonce),
        codeVerifierCiphertext: this.cipher.encrypt(codeVerifier, verifierAad(id)),
        expiresAt,
      },
      now,
    );
    const url = new URL(discovery.authorization_endpoint);
    const params = {
      response_type: 'code',
      client_id: config.clientId,
      redirect_uri: this.configs.redirectUri,
      // The display name (`profile`) is asked for only when it may be needed: for a new client account.
      scope: config.autoCreateClients ? 'openid email profile' : 'openid email',
      state,
      nonce,
      code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
      // The organisation's multi-factor level, asked for when it named one.
      ...(config.mfaAcrValues.length ? { acr_values: config.mfaAcrValues.join(' ') } : {}),
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return { authorizationUrl: url.toString(), binding, expiresAt: expiresAt.toISOString() };
  }

  /** The provider sent the browser back: check everything, then a session, or one generic 401. */
  async callback(dto: SsoCallbackDto, sourceAddress: string, deviceToken?: string): Promise<LoginResult> {
    const now = this.clock.now();
    const attempt: Attempt = { tenantId: null, stateId: null, userId: null };
    const refuse = (reason: SsoRefusal) => this.refuse(attempt, reason);

    const stateHash = sha256(dto.state);
    const state = await this.repository.consumeLoginState(stateHash, now);
    if (!state) {
      // Used already (a replay) or expired: still the organisation's attempt, if the row is kept.
      const spent = await this.repository.findSpentLoginState(stateHash);
      Object.assign(attempt, { tenantId: spent?.tenantId ?? null, stateId: spent?.id ?? null });
      return refuse('state_invalid');
    }
    Object.assign(attempt, { tenantId: state.tenantId, stateId: state.id });
    if (!dto.binding || !timingSafeEqual(sha256(dto.binding), state.bindingHash)) {
      return refuse('binding_mismatch');
    }
    const config = await this.repository.findConfig(state.tenantId);
    if (!config?.enabled) return refuse('sso_disabled');
    if (dto.error !== undefined) return refuse('provider_error');
    if (dto.code === undefined) return refuse('code_missing');

    let email: string;
    let name: string | undefined;
    let proof: { amr?: unknown; acr?: unknown } = {};
    try {
      const discovery = await this.oidc.discover(config.issuer);
      // RFC 9207: the authorization response names its issuer (mix-up defence), when the provider says so.
      if (
        (dto.iss !== undefined || discovery.authorization_response_iss_parameter_supported) &&
        dto.iss !== discovery.issuer
      ) {
        return refuse('issuer_mismatch');
      }
      const codeVerifier = this.cipher.decrypt(state.codeVerifierCiphertext, verifierAad(state.id));
      const tokens = await this.oidc.exchangeCode(
        discovery,
        {
          clientId: config.clientId,
          clientSecret: this.configs.clientSecretOf(config),
          redirectUri: this.configs.redirectUri,
        },
        dto.code,
        codeVerifier,
      );
      const idToken = await this.oidc.verifyIdToken(discovery, tokens.idToken, {
        clientId: config.clientId,
        nonceHash: state.nonceHash,
        now,
      });
      const claims = await this.oidc.claims(discovery, idToken, tokens.accessToken);
      const parsedEmail = emailSchema.safeParse(claims.email);
      if (!parsedEmail.success) return refuse('email_missing');
      if (!claims.emailVerified) return refuse('email_unverified');
      email = normaliseEmail(parsedEmail.data);
      name = claims.name;
      proof = { amr: claims.amr, acr: claims.acr };
    } catch (err) {
      if (!(err instanceof OidcError)) throw err;
      this.logger.info({ tenantId: state.tenantId, detail: err.message }, 'sso provider step failed');
      return refuse(err.reason);
    }

    let user = await this.users.findForLogin(state.tenantId, email);
    if (!user && config.autoCreateClients && config.allowedRoles.includes('client')) {
      user = await this.createClient(config, email, name);
    }
    attempt.userId = user?.id ?? null;
    if (!user) return refuse('account_unknown');
    // Org admins and platform staff sign in with password and TOTP only (the configuration cannot
    // allow them either); other roles as the organisation allows.
    if (
      user.role === 'org_admin' ||
      user.role === 'platform_staff' ||
      !(config.allowedRoles as string[]).includes(user.role)
    ) {
      return refuse('role_not_allowed');
    }
    if (user.status === 'deactivated') return refuse('account_deactivated');
    if (user.status !== 'active') return refuse('account_not_active');
    // Two factors where the organisation requires them (or the user turned 2FA on): single sign-on
    // counts only when the provider says it checked more than one factor (`amr`); otherwise the
    // user signs in with password and TOTP, so SSO is never a way around the second factor.
    if (
      (await this.twoFactor.requirement(user)) !== 'none' &&
      !providerAssertsMfa(proof, config.mfaAcrValues)
    ) {
      return refuse('mfa_required');
    }

    return this.sessions.startSession(
      user,
      {
        accountKey: accountKey({ tenantId: user.tenantId }, user.email),
        address: throttleAddress(sourceAddress),
        tenantId: user.tenantId,
      },
      'auth.sso',
      { deviceToken },
    );
  }

  /** A client account for a verified e-mail the organisation does not know yet (it allows this). */
  private async createClient(config: SsoConfigRow, email: string, name: string | undefined) {
    const displayName = name?.trim().slice(0, 200) || email.split('@')[0];
    try {
      await this.dataSource.transaction(async (manager) => {
        const id = await this.usersService.addUser(manager, {
          tenantId: config.tenantId,
          email,
          displayName,
          role: 'client',
          status: 'active',
          passwordHash: null,
        });
        await this.audit.record(
          manager,
          {
            action: 'user.sso_created',
            outcome: 'success',
            actorId: id,
            actorRole: 'client',
            resource: 'user_account',
            resourceId: id,
          },
          { tenantId: config.tenantId, subjectId: id },
        );
      });
    } catch (err) {
      // Two first logins at once: the other one created it.
      const taken =
        (err instanceof IdentityException && err.code === IdentityErrorCode.EmailTaken) ||
        (err instanceof QueryFailedError &&
          (err.driverError as { constraint?: string }).constraint === 'user_account_tenant_id_email_key');
      if (!taken) throw err;
    }
    this.logger.info({ tenantId: config.tenantId }, 'sso client account created');
    return this.users.findForLogin(config.tenantId, email);
  }

  private async refuse(attempt: Attempt, reason: SsoRefusal): Promise<never> {
    const tenantId = attempt.tenantId ?? NO_TENANT_ID;
    await this.dataSource.transaction((manager) =>
      this.audit.record(
        manager,
        {
          action: 'auth.sso',
          outcome: 'failure',
          actorId: null,
          actorRole: null,
          resource: 'sso_login',
          resourceId: attempt.stateId,
          reason,
        },
        { tenantId, subjectId: attempt.userId },
      ),
    );
    this.logger.info({ outcome: 'failure', reason, tenantId }, 'sso login');
    throw new SsoException(SsoErrorCode.Failed, SSO_FAILED);
  }
}
