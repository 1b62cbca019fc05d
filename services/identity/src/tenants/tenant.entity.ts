import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { Region } from '@therapy-room/contracts';

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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
