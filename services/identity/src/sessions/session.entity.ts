import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'session' })
export class Session {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'session_pkey' })
  id!: string;

  @Column('bytea', { name: 'token_hash' })
  tokenHash!: Buffer;

  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'last_seen_at' })
  lastSeenAt!: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  /** A platform staff session's chosen organisation and the grant it acts under (staff-access). */
  @Column('uuid', { name: 'acting_tenant_id', nullable: true })
  actingTenantId?: string | null;

  @Column('uuid', { name: 'grant_id', nullable: true })
  grantId?: string | null;
}
