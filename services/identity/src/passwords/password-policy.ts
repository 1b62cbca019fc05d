import { z } from 'zod';
import { ValidationException } from '@therapy-room/platform';
import { commonPasswords } from './common-passwords';

/**
 * The password rules of the platform: the one place they live. Pure apart from reading the shipped
 * common-password list once (see common-passwords.ts).
 *
 * - Length counts Unicode code points of the NFC form, so "é" and "🙂" are one character each.
 * - A special character is anything that is neither a letter (with its accents) nor a digit, in any
 *   script: punctuation, symbols, spaces, emoji.
 * - Comparisons with the e-mail address and the list are case-insensitive (NFKC, then lower case).
 * - "Contains the username": the whole e-mail address, or its local part (before the @) when that
 *   is at least 3 characters long (a one-letter local part would forbid every password holding
 *   that letter).
 * - "Common": the password is on the list, or is on it once its trailing non-letters (digits,
 *   punctuation, spaces, symbols) are removed: "Password123!" counts as "password".
 */

/** The absolute ceiling of any tenant's maximum length (argon2 hashes the whole input). */
export const PASSWORD_MAX_LENGTH_CEILING = 1024;

export interface PasswordPolicy {
  minLength: number;
  maxLength: number;
  requireSpecial: boolean;
  requireDigit: boolean;
  requireUpperLower: boolean;
}

/** The platform default, and the floor: a tenant can make it stricter, never weaker. */
export const PLATFORM_PASSWORD_POLICY: Readonly<PasswordPolicy> = Object.freeze({
  minLength: 12,
  maxLength: 128,
  requireSpecial: true,
  requireDigit: false,
  requireUpperLower: false,
});

/** A tenant's own settings (stored in tenant.password_policy); each one only tightens the default. */
export const tenantPasswordPolicySchema = z
  .object({
    minLength: z
      .int()
      .min(PLATFORM_PASSWORD_POLICY.minLength, `must be at least ${PLATFORM_PASSWORD_POLICY.minLength}`)
      .max(PASSWORD_MAX_LENGTH_CEILING)
      .optional(),
    maxLength: z
      .int()
      .min(PLATFORM_PASSWORD_POLICY.maxLength, `must be at least ${PLATFORM_PASSWORD_POLICY.maxLength}`)
      .max(PASSWORD_MAX_LENGTH_CEILING, `must be at most ${PASSWORD_MAX_LENGTH_CEILING}`)
      .optional(),
    requireSpecial: z
      .literal(true, { error: 'cannot be turned off: the platform requires a special character' })
      .optional(),
    requireDigit: z.boolean().optional(),
    requireUpperLower: z.boolean().optional(),
  })
  .strict()
  .refine(
    (p) =>
      (p.minLength ?? PLATFORM_PASSWORD_POLICY.minLength) <=
      (p.maxLength ?? PLATFORM_PASSWORD_POLICY.maxLength),
    { path: ['minLength'], message: 'must not be greater than maxLength' },
  );
export type TenantPasswordPolicy = z.infer<typeof tenantPasswordPolicySchema>;

/**
 * The policy in force for a tenant: the platform default, tightened by the tenant's settings. The
 * settings are validated again (they may come straight from the jsonb column): a setting that would
 * weaken the default throws instead of being applied.
 */
export function effectivePasswordPolicy(tenant: TenantPasswordPolicy = {}): PasswordPolicy {
  const valid = tenantPasswordPolicySchema.parse(tenant);
  const base = PLATFORM_PASSWORD_POLICY;
  return {
    minLength: Math.max(base.minLength, valid.minLength ?? base.minLength),
    maxLength: valid.maxLength ?? base.maxLength,
    requireSpecial: base.requireSpecial || (valid.requireSpecial ?? false),
    requireDigit: base.requireDigit || (valid.requireDigit ?? false),
    requireUpperLower: base.requireUpperLower || (valid.requireUpperLower ?? false),
  };
}

export enum PasswordViolationCode {
  TooShort = 'TOO_SHORT',
  TooLong = 'TOO_LONG',
  MissingSpecial = 'MISSING_SPECIAL',
  MissingDigit = 'MISSING_DIGIT',
  MissingUpperLower = 'MISSING_UPPER_LOWER',
  ContainsUsername = 'CONTAINS_USERNAME',
  Common = 'COMMON',
}

/** One broken rule; the message is safe to show and never repeats the password. */
export interface PasswordViolation {
  code: PasswordViolationCode;
  message: string;
}

const MIN_LOCAL_PART_LENGTH = 3;
const fold = (s: string) => s.normalize('NFKC').toLowerCase();

/** Every rule the password breaks under the policy; an empty list means it is accepted. */
export function checkPassword(
  password: string,
  { policy, email }: { policy: PasswordPolicy; email: string },
): PasswordViolation[] {
  const violations: PasswordViolation[] = [];
  const add = (code: PasswordViolationCode, message: string) => violations.push({ code, message });

  const text = password.normalize('NFC');
  const length = [...text].length;
  if (length < policy.minLength) {
    add(PasswordViolationCode.TooShort, `must be at least ${policy.minLength} characters`);
  }
  if (length > policy.maxLength) {
    add(PasswordViolationCode.TooLong, `must be at most ${policy.maxLength} characters`);
  }
  if (policy.requireSpecial && !/[^\p{L}\p{M}\p{N}]/u.test(text)) {
    add(
      PasswordViolationCode.MissingSpecial,
      'must contain a special character (anything other than a letter or a digit)',
    );
  }
  if (policy.requireDigit && !/\p{Nd}/u.test(text)) {
    add(PasswordViolationCode.MissingDigit, 'must contain a digit');
  }
  if (policy.requireUpperLower && !(/\p{Lu}/u.test(text) && /\p{Ll}/u.test(text))) {
    add(PasswordViolationCode.MissingUpperLower, 'must contain both upper-case and lower-case letters');
  }

  const folded = fold(password);
  const address = fold(email.trim());
  const localPart = address.slice(0, Math.max(0, address.lastIndexOf('@')));
  if (
    (address.length > 0 && folded.includes(address)) ||
    ([...localPart].length >= MIN_LOCAL_PART_LENGTH && folded.includes(localPart))
  ) {
    add(
      PasswordViolationCode.ContainsUsername,
      'must not contain your e-mail address or the part before the @',
    );
  }

  const list = commonPasswords();
  const stem = folded.replace(/[^\p{L}\p{M}]+$/u, '');
  if (list.has(folded)) {
    add(PasswordViolationCode.Common, 'is one of the most commonly used passwords');
  } else if (stem.length > 0 && list.has(stem)) {
    add(PasswordViolationCode.Common, 'is a commonly used password with digits or symbols added at the end');
  }
  return violations;
}

/**
 * Refuses a password the tenant's policy does not allow: a 400 with one field error per broken rule
 * at `path` (e.g. 'password', 'newPassword', 'admin.password'). The one check every flow calls.
 */
export function assertPasswordAllowed(
  password: string,
  options: { tenantPolicy?: TenantPasswordPolicy; email: string; path: string },
): void {
  const policy = effectivePasswordPolicy(options.tenantPolicy);
  const violations = checkPassword(password, { policy, email: options.email });
  if (violations.length > 0) {
    throw new ValidationException(
      violations.map((v) => ({ path: options.path, message: v.message })),
      "The password does not meet the organisation's password policy.",
    );
  }
}
