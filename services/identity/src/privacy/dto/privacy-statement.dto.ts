import { z } from 'zod';

/**
 * At most this many bytes of UTF-8 markdown: the whole JSON request must stay within the services'
 * 100 kB body limit (BODY_LIMIT_BYTES), so a statement that is too long gets a field-level 400.
 */
export const PRIVACY_STATEMENT_MAX_BYTES = 96_000;

export const publishPrivacyStatementSchema = z
  .object({
    text: z
      .string()
      .trim()
      .min(1)
      .refine((text) => Buffer.byteLength(text, 'utf8') <= PRIVACY_STATEMENT_MAX_BYTES, {
        message: `must be at most ${PRIVACY_STATEMENT_MAX_BYTES} bytes`,
      }),
  })
  .strict();
export type PublishPrivacyStatementDto = z.infer<typeof publishPrivacyStatementSchema>;

export const acknowledgePrivacyStatementSchema = z
  .object({ version: z.number().int().positive().max(2_147_483_647) })
  .strict();
export type AcknowledgePrivacyStatementDto = z.infer<typeof acknowledgePrivacyStatementSchema>;

export interface PrivacyStatementDto {
  version: number;
  text: string;
  publishedAt: string;
  publishedBy: string;
  /** Whether the requesting user has acknowledged this version. */
  acknowledged: boolean;
}

/** What session resolution adds to the actor: whether the gateway must hold the user at the gate. */
export interface PrivacyGate {
  privacyAcknowledgementRequired: boolean;
  /** The tenant's current version; null when the organisation has published none (no gate). */
  privacyStatementVersion: number | null;
}
