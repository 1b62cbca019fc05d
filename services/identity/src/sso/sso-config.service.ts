import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditEmitter, PLATFORM_CONFIG, PLATFORM_LOGGER, ValidationException } from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import { Clock } from '@therapy-room/platform';
import type { IdentityConfig } from '../identity.config';
import { TotpSecretCipher } from '../two-factor/totp-secret-cipher';
import { OidcClient, OidcError } from './oidc/oidc-client';
import { IssuerHttpError } from './oidc/issuer-http';
import { SsoRepository, type SsoConfigRow } from './sso.repository';
import { SsoErrorCode, SsoException } from './sso.exception';
import type { SsoConfigDto, SsoConfigView } from './dto/sso-config.dto';

/** Associated data of a client secret's ciphertext: it decrypts for this organisation's row only. */
export const clientSecretAad = (tenantId: string) => `tenant_sso_config:${tenantId}`;

/** The path the provider sends the browser back to, under PUBLIC_URL (the gateway). */
export const SSO_CALLBACK_PATH = '/api/auth/sso/callback';

/**
 * The organisation's OIDC single sign-on configuration, managed by its org admins. Saving checks the
 * issuer's discovery document; the client secret is stored encrypted and never answered or logged;
 * every change is audited (`tenant.sso.changed`).
 */
@Injectable()
export class SsoConfigService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SsoRepository,
    private readonly cipher: TotpSecretCipher,
    private readonly oidc: OidcClient,
    private readonly audit: AuditEmitter,
    private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) private readonly config: IdentityConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  get redirectUri(): string {
    return `${this.config.PUBLIC_URL.replace(/\/$/, '')}${SSO_CALLBACK_PATH}`;
  }

  async get(actor: Actor): Promise<SsoConfigView> {
    this.assertOrgAdmin(actor);
    const row = await this.repository.findConfig(actor.tenantId);
    if (!row) {
      throw new SsoException(SsoErrorCode.NotConfigured, 'Single sign-on is not configured.');
    }
    return this.view(row);
  }

  async set(actor: Actor, dto: SsoConfigDto): Promise<SsoConfigView> {
    this.assertOrgAdmin(actor);
    try {
      this.oidc.assertIssuerAllowed(dto.issuer);
    } catch (err) {
      if (!(err instanceof IssuerHttpError)) throw err;
      throw new ValidationException([{ path: 'issuer', message: `is not allowed: ${err.message}` }]);
    }
    this.assertSecretGiven(dto, await this.repository.findConfig(actor.tenantId));
    // The provider must really be there, with a discovery document naming this exact issuer.
    try {
      await this.oidc.discover(dto.issuer, { fresh: true });
    } catch (err) {
      if (!(err instanceof OidcError)) throw err;
      throw new ValidationException([
        { path: 'issuer', message: 'no usable OpenID Provider configuration could be read from this issuer' },
      ]);
    }
    const now = this.clock.now();
    const saved = await this.dataSource.transaction(async (manager) => {
      // Again under the row lock: another admin may have changed the issuer meanwhile.
      const current = await this.repository.findConfig(actor.tenantId, manager, { forUpdate: true });
      this.assertSecretGiven(dto, current);
      const row: SsoConfigRow = {
        tenantId: actor.tenantId,
        issuer: dto.issuer,
        clientId: dto.clientId,
        clientSecretCiphertext: dto.clientSecret
          ? this.cipher.encrypt(dto.clientSecret, clientSecretAad(actor.tenantId))
          : current!.clientSecretCiphertext,
        allowedRoles: dto.allowedRoles,
        autoCreateClients: dto.autoCreateClients,
        mfaAcrValues: dto.mfaAcrValues,
        enabled: dto.enabled,
        updatedAt: now,
        updatedBy: actor.userId,
      };
      await this.repository.saveConfig(row, manager);
      await this.recordChange(manager, actor);
      return row;
    });
    this.logger.info({ tenantId: actor.tenantId, enabled: dto.enabled }, 'sso configuration saved');
    return this.view(saved);
  }

  async remove(actor: Actor): Promise<void> {
    this.assertOrgAdmin(actor);
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.repository.deleteConfig(actor.tenantId, manager))) {
        throw new SsoException(SsoErrorCode.NotConfigured, 'Single sign-on is not configured.');
      }
      await this.recordChange(manager, actor);
    });
    this.logger.info({ tenantId: actor.tenantId }, 'sso configuration removed');
  }

  /** A stored secret is kept only for the same issuer: it is never sent to a provider it was not made for. */
  private assertSecretGiven(dto: SsoConfigDto, current: SsoConfigRow | null): void {
    if (dto.clientSecret || (current && current.issuer === dto.issuer)) return;
    throw new ValidationException([
      { path: 'clientSecret', message: current ? 'is required when the issuer changes' : 'is required' },
    ]);
  }

  /** The stored client secret, in clear, for the code exchange only. */
  clientSecretOf(row: SsoConfigRow): string {
    return this.cipher.decrypt(row.clientSecretCiphertext, clientSecretAad(row.tenantId));
  }

  private view(row: SsoConfigRow): SsoConfigView {
    return {
      issuer: row.issuer,
      clientId: row.clientId,
      clientSecretSet: true,
      allowedRoles: row.allowedRoles,
      autoCreateClients: row.autoCreateClients,
      mfaAcrValues: row.mfaAcrValues,
      enabled: row.enabled,
      redirectUri: this.redirectUri,
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  /** Org admins of the organisation itself (not platform staff acting under a grant). */
  private assertOrgAdmin(actor: Actor): void {
    if (!actor.roles.includes('org_admin') || actor.grantId) {
      throw new SsoException(
        SsoErrorCode.Forbidden,
        'Only organisation administrators can manage single sign-on.',
      );
    }
  }

  private recordChange(manager: EntityManager, actor: Actor): Promise<void> {
    return this.audit.record(
      manager,
      {
        action: 'tenant.sso.changed',
        outcome: 'success',
        actorId: actor.userId,
        actorRole: 'org_admin',
        resource: 'tenant_sso_config',
        resourceId: actor.tenantId,
      },
      { tenantId: actor.tenantId },
    );
  }
}
