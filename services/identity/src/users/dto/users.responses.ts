import { z } from 'zod';
import { userRoleSchema } from '@therapy-room/contracts';
import type { ProfileDto } from './profile.dto';
import type { ListUsersPage } from './list-users.dto';

/**
 * What the account routes answer, for the public OpenAPI document (`@ApiResponse`): the contract
 * the API fuzzer checks answers against. `satisfies` keeps each in step with its view type.
 */
const userStatus = z.enum(['invited', 'active', 'deactivated']);

export const profileSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  role: userRoleSchema,
  status: userStatus,
  organisation: z.object({ id: z.uuid(), slug: z.string(), name: z.string(), region: z.string() }),
}) satisfies z.ZodType<ProfileDto>;

export const usersPageSchema = z.object({
  items: z.array(z.object({ id: z.uuid(), role: userRoleSchema, status: userStatus })),
  total: z.int().min(0),
  limit: z.int(),
  offset: z.int(),
  seats: z.object({ used: z.int().min(0), total: z.int().min(0) }),
}) satisfies z.ZodType<ListUsersPage>;

export const createdUserSchema = z.object({ id: z.uuid() });

export const userStatusSchema = z.object({ id: z.uuid(), status: userStatus });
