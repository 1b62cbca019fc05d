import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { Region } from '@therapy-room/contracts';
import type { TenantPasswordPolicy } from '../passwords/password-policy';

@Entity({ name: 'tenant' })
export class Tenant {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'tenant_pkey' })
  id!: string;

  @Column('text')
  slug!: string;

  @Column('text')
  name!: string;

  @Column('text')
  region!: Region;

  @Column('integer', { name: 'professional_seats' })
  professionalSeats!: number;

  /** The organisation's own password settings; `{}` means the platform default. */
  @Column('jsonb', { name: 'password_policy' })
  passwordPolicy!: TenantPasswordPolicy;

  /** The platform operator's own organisation, home of the platform staff accounts. */
  @Column('boolean', { name: 'is_operator', default: false })
  isOperator!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
