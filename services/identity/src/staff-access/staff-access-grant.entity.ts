import { Column, Entity, PrimaryColumn } from 'typeorm';

export type StaffAccessGrantStatus = 'requested' | 'approved' | 'denied' | 'revoked';

/** A platform staff member's reasoned, approved, time-boxed access to one organisation. */
@Entity({ name: 'staff_access_grant' })
export class StaffAccessGrant {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'staff_access_grant_pkey' })
  id!: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId!: string;

  @Column('uuid', { name: 'requester_id' })
  requesterId!: string;

  @Column('text')
  reason!: string;

  @Column('integer', { name: 'duration_minutes' })
  durationMinutes!: number;

  @Column('text')
  status!: StaffAccessGrantStatus;

  @Column('timestamptz', { name: 'requested_at' })
  requestedAt!: Date;

  @Column('uuid', { name: 'decided_by', nullable: true })
  decidedBy!: string | null;

  @Column('timestamptz', { name: 'decided_at', nullable: true })
  decidedAt!: Date | null;

  @Column('timestamptz', { name: 'valid_from', nullable: true })
  validFrom!: Date | null;

  @Column('timestamptz', { name: 'valid_until', nullable: true })
  validUntil!: Date | null;

  @Column('uuid', { name: 'revoked_by', nullable: true })
  revokedBy!: string | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  /** When the grant's end was announced (`identity.staff-grant.ended.v1`, once): revocation or expiry. */
  @Column('timestamptz', { name: 'ended_at', nullable: true })
  endedAt!: Date | null;
}
