import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { UserRole } from '@therapy-room/contracts';

export type UserStatus = 'invited' | 'active' | 'deactivated';

@Entity({ name: 'user_account' })
export class UserAccount {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'user_account_pkey' })
  id!: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId!: string;

  @Column('text')
  email!: string;

  @Column('text', { name: 'display_name' })
  displayName!: string;

  @Column('text')
  role!: UserRole;

  @Column('text')
  status!: UserStatus;

  /** A professional's training account: flagged as such, and not counted against the licence. */
  @Column('boolean', { default: false })
  training!: boolean;

  @Column('text', { name: 'password_hash', nullable: true, select: false })
  passwordHash!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
