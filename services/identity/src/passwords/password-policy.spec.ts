import { commonPasswords } from './common-passwords';
import {
  PLATFORM_PASSWORD_POLICY,
  PasswordViolationCode as V,
  checkPassword,
  effectivePasswordPolicy,
  tenantPasswordPolicySchema,
  type TenantPasswordPolicy,
} from './password-policy';

const EMAIL = 'jane.doe@clinic.example';
const PLAIN_EMAIL = 'janedoe@clinic.example';
const codesFor = (password: string, email = EMAIL, tenant: TenantPasswordPolicy = {}) =>
  checkPassword(password, { policy: effectivePasswordPolicy(tenant), email }).map((v) => v.code);

describe('password policy: platform default (12+ characters with a special one, 128 allowed)', () => {
  it.each([
    ['a passphrase with symbols and a digit', 'Correct-Horse-Battery-9!', EMAIL],
    ['the demo password', 'Demo-Password-2026!', 'admin@demo.example'],
    ['exactly 12 characters', 'xQ7#mP2!vL9z', EMAIL],
    ['exactly 128 characters', `${'k7#'.repeat(42)}ab`, EMAIL],
    ['German with spaces', 'Grüße aus München!', EMAIL],
    ['Cyrillic with a hyphen', 'Пароль-надёжный', EMAIL],
    ['12 emoji (24 UTF-16 units, 12 characters)', '🙂🎉🔒🌍🚀🍀🎈🧩🎯🦊🌈🍕', EMAIL],
    ['Chinese with a full-width exclamation mark', '我的密码是很安全的！好吗', EMAIL],
    ['a two-letter local part is not searched for', 'Always-alert-2024', 'al@clinic.example'],
    ['a common word inside a longer phrase', 'my dragon sleeps at noon', EMAIL],
  ])('accepts %s', (_label, password, email) => {
    expect(codesFor(password, email)).toEqual([]);
  });

  it.each([
    ['11 characters', 'xQ7#mP2!vL9', EMAIL, [V.TooShort]],
    ['11 emoji (22 UTF-16 units)', '🙂🎉🔒🌍🚀🍀🎈🧩🎯🦊🌈', EMAIL, [V.TooShort]],
    ['11 accented letters', 'ÄÖÜäöüßÄÖÜä', EMAIL, [V.TooShort, V.MissingSpecial]],
    ['129 characters', 'k7#'.repeat(43), EMAIL, [V.TooLong]],
    ['129 code points of accents and emoji', `${'é'.repeat(120)}${'🙂'.repeat(9)}`, EMAIL, [V.TooLong]],
    ['letters and digits only', 'CorrectHorseBattery9', EMAIL, [V.MissingSpecial]],
    ['an accent written as a combining mark', 'Cafe\u0301aulaitnoir', EMAIL, [V.MissingSpecial]],
    ['the local part in another case', 'My-JANE.DOE-password', EMAIL, [V.ContainsUsername]],
    ['the whole e-mail address', 'jane.doe@clinic.example!', EMAIL, [V.ContainsUsername]],
    ['a non-ASCII local part in upper case', 'ZOË-rocks-2024', 'zoë@clinic.example', [V.ContainsUsername]],
    ['a common password (12 characters, with a special one)', 'minnesota_hp', EMAIL, [V.Common]],
    ['a common password in another case', 'MINNESOTA_HP', EMAIL, [V.Common]],
    ['a common password with "123!" appended', 'Password123!', EMAIL, [V.Common]],
    ['a common password with digits and symbols appended', 'Superman2024!?', EMAIL, [V.Common]],
    ['a short common password', 'qwerty', EMAIL, [V.TooShort, V.MissingSpecial, V.Common]],
  ])('rejects %s', (_label, password, email, expected) => {
    expect(codesFor(password, email)).toEqual(expected);
  });

  it('says what is wrong in messages that never repeat the password', () => {
    const violations = checkPassword('JaneDoe', { policy: PLATFORM_PASSWORD_POLICY, email: PLAIN_EMAIL });
    expect(violations).toEqual([
      { code: V.TooShort, message: 'must be at least 12 characters' },
      {
        code: V.MissingSpecial,
        message: 'must contain a special character (anything other than a letter or a digit)',
      },
      { code: V.ContainsUsername, message: 'must not contain your e-mail address or the part before the @' },
    ]);
    expect(JSON.stringify(violations).toLowerCase()).not.toContain('jane');
  });
});

describe('password policy: a tenant can make it stricter', () => {
  const strict: TenantPasswordPolicy = {
    minLength: 16,
    maxLength: 1024,
    requireDigit: true,
    requireUpperLower: true,
  };

  it('merges the tenant settings over the platform default', () => {
    expect(effectivePasswordPolicy()).toEqual(PLATFORM_PASSWORD_POLICY);
    expect(effectivePasswordPolicy({})).toEqual(PLATFORM_PASSWORD_POLICY);
    expect(effectivePasswordPolicy(strict)).toEqual({
      minLength: 16,
      maxLength: 1024,
      requireSpecial: true,
      requireDigit: true,
      requireUpperLower: true,
    });
  });

  it.each([
    ['a long mixed passphrase', 'Correct-Horse-Battery-9!'],
    ['129 characters', `A${'k7#'.repeat(42)}bc`],
    ['1024 characters', `Ab1${'-'.repeat(1021)}`],
  ])('accepts %s', (_label, password) => {
    expect(codesFor(password, EMAIL, strict)).toEqual([]);
  });

  it.each([
    ['12 characters, fine by the default', 'xQ7#mP2!vL9z', [V.TooShort]],
    ['15 characters', 'xQ7#mP2!vL9zAb3', [V.TooShort]],
    ['1025 characters', `Ab1${'-'.repeat(1022)}`, [V.TooLong]],
    ['no digit', 'Correct-Horse-Battery!', [V.MissingDigit]],
    ['no digit, in German', 'Grüße aus dem schönen München!', [V.MissingDigit]],
    ['lower case only', 'correct-horse-battery-9!', [V.MissingUpperLower]],
    ['upper case only, in Cyrillic', 'ПАРОЛЬ-НАДЁЖНЫЙ-2024', [V.MissingUpperLower]],
  ])('rejects %s', (_label, password, expected) => {
    expect(codesFor(password, EMAIL, strict)).toEqual(expected);
  });

  it.each<[string, unknown, string]>([
    ['a shorter minimum', { minLength: 8 }, 'minLength'],
    ['a maximum under 128', { maxLength: 64 }, 'maxLength'],
    ['a maximum over 1024', { maxLength: 2048 }, 'maxLength'],
    ['no special character', { requireSpecial: false }, 'requireSpecial'],
    ['a minimum above the maximum', { minLength: 200 }, 'minLength'],
    ['an unknown setting', { requireEmoji: true }, ''],
    ['a fractional length', { minLength: 12.5 }, 'minLength'],
  ])('refuses a tenant setting that weakens or breaks the policy: %s', (_label, input, path) => {
    const result = tenantPasswordPolicySchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path.join('.')).toBe(path);
    expect(() => effectivePasswordPolicy(input as TenantPasswordPolicy)).toThrow();
  });
});

describe('the shipped common-password list', () => {
  it('holds at least 10,000 lower-case passwords, loaded once', () => {
    const list = commonPasswords();
    expect(list.size).toBeGreaterThanOrEqual(10_000);
    expect(list.has('password')).toBe(true);
    expect([...list].every((p) => p === p.toLowerCase() && p.trim() === p && p.length > 0)).toBe(true);
    expect(commonPasswords()).toBe(list);
  });
});
