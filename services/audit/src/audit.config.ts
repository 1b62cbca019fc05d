import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import {
  baseConfigShape,
  databaseConfigShape,
  databaseOwnerConfigShape,
  internalTokenVerifyShape,
  secret,
} from '@therapy-room/platform';

const jsonObject = z.string().transform((s, ctx) => {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
    return z.NEVER;
  }
});

export const auditConfigShape = {
  ...baseConfigShape,
  ...databaseConfigShape,
  ...databaseOwnerConfigShape,
  ...internalTokenVerifyShape,
  /** 32 bytes, base64: the key of the per-organisation keyed hash (HMAC-SHA256) that pseudonymises people. */
  AUDIT_PSEUDONYM_KEY: secret(
    z
      .base64()
      .refine(
        (s) => Buffer.from(s, 'base64').length === 32,
        'must be 32 bytes, base64 (openssl rand -base64 32)',
      ),
  ),
  /**
   * JSON `{kid: PEM}` of Ed25519 private keys (PKCS#8) that sign checkpoints. Keep retired keys here during
   * and after a rotation: `audit verify` checks old checkpoints with them.
   */
  AUDIT_SIGNING_KEYS: secret(
    jsonObject.pipe(
      z
        .record(
          z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
          z.string().refine((pem) => {
            try {
              return createPrivateKey(pem).asymmetricKeyType === 'ed25519';
            } catch {
              return false;
            }
          }, 'must be an Ed25519 private key (PEM, PKCS#8)'),
        )
        .refine((r) => Object.keys(r).length > 0, 'at least one key'),
    ),
  ),
  /** The kid that signs new checkpoints. */
  AUDIT_SIGNING_KEY_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  /** A signed checkpoint after this many records of an organisation… */
  AUDIT_CHECKPOINT_EVERY_RECORDS: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  /** …or when the oldest record without one is this old. */
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  /** Records are kept this many years (NEN 7513: at least 5), then removed by `audit sweep`. */
  AUDIT_RETENTION_YEARS: z.coerce.number().int().min(5).max(100).default(5),
  /** Largest page of the log a reader gets. */
  AUDIT_MAX_PAGE_SIZE: z.coerce.number().int().min(10).max(1000).default(100),
};
export type AuditConfig = z.infer<z.ZodObject<typeof auditConfigShape>>;
