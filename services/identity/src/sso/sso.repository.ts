import { changedRows } from '@therapy-room/platform';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { SsoRole } from './dto/sso-config.dto';

export interface SsoConfigRow {
  tenantId: string;
  issuer: string;
  clientId: string;
  clientSecretCiphertext: Buffer;
  allowedRoles: SsoRole[];
  autoCreateClients: boolean;
  mfaAcrValues: string[];
  enabled: boolean;
  updatedAt: Date;
  updatedBy: string;
}

export interface SsoLoginStateRow {
  id: string;
  tenantId: string;
  bindingHash: Buffer;
  nonceHash: Buffer;
  codeVerifierCiphertext: Buffer;
  expiresAt: Date;
}

interface ConfigRecord {
  tenant_id: string;
  issuer: string;
  client_id: string;
  client_secret_ciphertext: Buffer;
  allowed_roles: SsoRole[];
  auto_create_clients: boolean;
  mfa_acr_values: string[];
  enabled: boolean;
  updated_at: Date;
  updated_by: string;
}

/** The only file with queries for single sign-on (the organisation's configuration, login states). */
@Injectable()
export class SsoRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findConfig(
    tenantId: string,
    manager: EntityManager = this.dataSource.manager,
    options: { forUpdate?: boolean } = {},
  ): Promise<SsoConfigRow | null> {
    const [row] = (await manager.query(
      `SELECT tenant_id, issuer, client_id, client_secret_ciphertext, allowed_roles, auto_create_clients,
              mfa_acr_values, enabled, updated_at, updated_by
         FROM tenant_sso_config WHERE tenant_id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`,
      [tenantId],
    )) as ConfigRecord[];
    if (!row) return null;
    return {
      tenantId: row.tenant_id,
      issuer: row.issuer,
      clientId: row.client_id,
      clientSecretCiphertext: row.client_secret_ciphertext,
      allowedRoles: row.allowed_roles,
      autoCreateClients: row.auto_create_clients,
      mfaAcrValues: row.mfa_acr_values,
      enabled: row.enabled,
      updatedAt: row.updated_at,
      updatedBy: row.updated_by,
    };
  }

  async saveConfig(config: SsoConfigRow, manager: EntityManager): Promise<void> {
    await manager.query(
      `INSERT INTO tenant_sso_config (tenant_id, issuer, client_id, client_secret_ciphertext, allowed_roles,
                                      auto_create_clients, enabled, updated_at, updated_by, mfa_acr_values)
       VALUES ($1, $2, $3, $4, $5::text[], $6, $7, $8, $9, $10::text[])
       ON CONFLICT ON CONSTRAINT tenant_sso_config_pkey DO UPDATE SET
         issuer = EXCLUDED.issuer, client_id = EXCLUDED.client_id,
         client_secret_ciphertext = EXCLUDED.client_secret_ciphertext, allowed_roles = EXCLUDED.allowed_roles,
         auto_create_clients = EXCLUDED.auto_create_clients, enabled = EXCLUDED.enabled,
         updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by,
         mfa_acr_values = EXCLUDED.mfa_acr_values`,
      [
        config.tenantId,
        config.issuer,
        config.clientId,
        config.clientSecretCiphertext,
        config.allowedRoles,
        config.autoCreateClients,
        config.enabled,
        config.updatedAt,
        config.updatedBy,
        config.mfaAcrValues,
      ],
    );
  }

  /** Removes the configuration and every login started under it; false when there was none. */
  async deleteConfig(tenantId: string, manager: EntityManager): Promise<boolean> {
    await manager.query(`DELETE FROM sso_login_state WHERE tenant_id = $1`, [tenantId]);
    const [, affected] = (await manager.query(`DELETE FROM tenant_sso_config WHERE tenant_id = $1`, [
      tenantId,
    ])) as [unknown, number];
    return affected > 0;
  }

  /** A started login; expired rows (used or not) go as new ones come. */
  async insertLoginState(
    state: SsoLoginStateRow & { stateHash: Buffer },
    now: Date,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await manager.query(`DELETE FROM sso_login_state WHERE expires_at <= $1`, [now]);
    await manager.query(
      `INSERT INTO sso_login_state
         (id, tenant_id, state_hash, binding_hash, nonce_hash, code_verifier_ciphertext, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        state.id,
        state.tenantId,
        state.stateHash,
        state.bindingHash,
        state.nonceHash,
        state.codeVerifierCiphertext,
        state.expiresAt,
      ],
    );
  }

  /** A login state that is no longer live (used or expired) but still kept: whose it was, for audit. */
  async findSpentLoginState(stateHash: Buffer): Promise<{ id: string; tenantId: string } | null> {
    const [row] = (await this.dataSource.query(
      `SELECT id, tenant_id FROM sso_login_state WHERE state_hash = $1`,
      [stateHash],
    )) as { id: string; tenant_id: string }[];
    return row ? { id: row.id, tenantId: row.tenant_id } : null;
  }

  /**
   * Spends the live login state with this hash and returns it: a state is used once, whatever the
   * outcome, and two callbacks with one state cannot both get it (the UPDATE decides).
   */
  async consumeLoginState(stateHash: Buffer, now: Date): Promise<SsoLoginStateRow | null> {
    const rows = await changedRows<{
      id: string;
      tenant_id: string;
      binding_hash: Buffer;
      nonce_hash: Buffer;
      code_verifier_ciphertext: Buffer;
      expires_at: Date;
    }>(
      this.dataSource,
      `UPDATE sso_login_state SET consumed_at = $2
        WHERE state_hash = $1 AND consumed_at IS NULL AND expires_at > $2
        RETURNING id, tenant_id, binding_hash, nonce_hash, code_verifier_ciphertext, expires_at`,
      [stateHash, now],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      tenantId: row.tenant_id,
      bindingHash: row.binding_hash,
      nonceHash: row.nonce_hash,
      codeVerifierCiphertext: row.code_verifier_ciphertext,
      expiresAt: row.expires_at,
    };
  }
}
