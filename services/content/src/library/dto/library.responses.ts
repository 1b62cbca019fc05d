import { z } from 'zod';
import { contentToolKindSchema } from '@therapy-room/contracts';

/**
 * What the library routes answer, for the public OpenAPI document (`@ApiResponse`): the contract
 * the API fuzzer checks answers against.
 */
export const libraryListSchema = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      key: z.string(),
      kind: contentToolKindSchema,
      title: z.string(),
      scope: z.enum(['organisation', 'platform']),
      revision: z.int().min(1),
      revisionId: z.uuid(),
      publishedAt: z.iso.datetime({ offset: true }),
    }),
  ),
});
