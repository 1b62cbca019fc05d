import { z } from 'zod';
import { tenantSlugSchema } from '@therapy-room/contracts';

const id = z.uuid({ message: 'must be a UUID' });

export const shareParamsSchema = z.object({ clientId: id, shareId: id }).strict();
export type ShareParams = z.infer<typeof shareParamsSchema>;

export const createShareSchema = z
  .object({
    /** How long the link works, in days (at most CONTENT_SHARE_MAX_DAYS). */
    days: z.number().int().min(1),
    /** Only these diaries and questionnaires (default: all of the client's). */
    toolIds: z.array(id).min(1).max(50).optional(),
  })
  .strict();
export type CreateShareDto = z.infer<typeof createShareSchema>;

/** A share link's token: 32 random bytes, base64url (43 characters). */
export const openShareSchema = z
  .object({
    token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, { message: 'is not a share token' }),
    /**
     * The organisation the link names, for the gateway to send the link to its home region; here it
     * decides nothing (the token alone opens the report, and names the organisation itself).
     */
    organisation: tenantSlugSchema.optional(),
  })
  .strict();
export type OpenShareDto = z.infer<typeof openShareSchema>;
