import { z } from 'zod';

/** A 6-digit TOTP code or a recovery code (XXXXX-XXXXX, case and dashes free). */
const codeSchema = z.string().trim().min(6).max(20);
const challengeSchema = z.string().min(20).max(200);

export const codeBodySchema = z.object({ code: codeSchema }).strict();
export type CodeBody = z.infer<typeof codeBodySchema>;

export const secondFactorSchema = z.object({ challenge: challengeSchema, code: codeSchema }).strict();
export type SecondFactorDto = z.infer<typeof secondFactorSchema>;

export const challengeBodySchema = z.object({ challenge: challengeSchema }).strict();
export type ChallengeBody = z.infer<typeof challengeBodySchema>;

export const twoFactorSettingsSchema = z.object({ requiredForProfessionals: z.boolean() }).strict();
export type TwoFactorSettingsDto = z.infer<typeof twoFactorSettingsSchema>;

/** What login answers instead of a session when a second factor is needed. */
export interface SecondFactorChallenge {
  secondFactorRequired: true;
  /** Present (true) when the user must enrol first: the challenge then allows only enrolment. */
  enrolmentRequired?: true;
  challenge: string;
  expiresAt: string;
}
