import { z } from 'zod';
import { secret } from '@therapy-room/platform';
import { base64KeySchema } from './aead';

const masterKeys = z
  .string()
  .transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON: {"<key id>": "<32 bytes, base64>"}' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .record(
        z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'key ids are letters, digits, ".", "_" or "-"'),
        base64KeySchema,
      )
      .refine((keys) => Object.keys(keys).length > 0, 'needs at least one key'),
  );

/**
 * The region's master keys, which wrap every subject's data key (envelope encryption). During a
 * rotation both keys are listed; new data keys are wrapped with DATA_MASTER_KEY_ID.
 */
export const dataProtectionConfigShape = {
  DATA_MASTER_KEYS: secret(masterKeys),
  DATA_MASTER_KEY_ID: z.string().min(1),
  /**
   * The region's key database, apart from the data: the wrapped data keys live there only, in this
   * service's schema of it, reached through the service's key role. Its backups are kept for a
   * shorter time than the data's, so a data backup taken before an erasure cannot be opened after
   * the key backups of that time are gone (docs/data-protection.md).
   */
  DATA_KEYS_DATABASE_URL: secret(z.url({ protocol: /^postgres(ql)?$/ })),
  DATA_KEYS_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/),
  DATA_KEYS_POOL_MAX: z.coerce.number().int().positive().default(5),
  /** Directory under which subject exports are written (retention.export.requested.v1). Unset: none. */
  EXPORT_ROOT: z.string().min(1).optional(),
};
export type DataProtectionConfig = z.infer<z.ZodObject<typeof dataProtectionConfigShape>>;
