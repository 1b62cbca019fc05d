import { z } from 'zod';
import type { UserRole } from '@therapy-room/contracts';
import type { UserStatus } from '../user-account.entity';

export const listUsersQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();
export type ListUsersQuery = z.infer<typeof listUsersQuerySchema>;

export interface ListUsersPage {
  items: { id: string; role: UserRole; status: UserStatus }[];
  total: number;
  limit: number;
  offset: number;
  /** The organisation's professional licence: seats taken (invited and active, not training) and its total. */
  seats: { used: number; total: number };
}
