import { z } from 'zod';
import { defineEvent } from '../define-event';

export const userRoles = ['org_admin', 'professional', 'client', 'platform_staff'] as const;
export const userRoleSchema = z.enum(userRoles);
export type UserRole = z.infer<typeof userRoleSchema>;

export const identityUserRegisteredV1 = defineEvent({
  topic: 'identity.user.registered.v1',
  description: 'A user account exists in a tenant. No name or e-mail: those stay in identity.',
  payload: z.object({
    userId: z.uuid(),
    role: userRoleSchema,
    training: z.boolean().optional(),
  }),
});
export type IdentityUserRegisteredV1 = z.infer<typeof identityUserRegisteredV1.payload>;
