import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditEmitter } from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import type { UserRole } from '@therapy-room/contracts';
import { Clock } from '@therapy-room/platform';
import { PasswordHasher } from '../common/password-hasher';
import { UsersRepository } from '../users/users.repository';
import type { UserAccount } from '../users/user-account.entity';
import { TwoFactorRepository, type ChallengePurpose, type ChallengeRow } from './two-factor.repository';
import { TotpSecretCipher } from './totp-secret-cipher';
import { TwoFactorErrorCode, TwoFactorException } from './two-factor.exception';
import { base32Decode, generateTotpSecret, otpauthUrl, verifyTotp } from './totp';
import { generateRecoveryCodes, normaliseRecoveryCode } from './recovery-codes';
import type { SecondFactorChallenge, TwoFactorSettingsDto } from './dto/two-factor.dto';

export const CHALLENGE_TTL_MS = 5 * 60_000;
const ISSUER = 'Therapy Room';
const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();
const invalidCode = () =>
  new TwoFactorException(TwoFactorErrorCode.InvalidCode, 'The code is not correct or has already been used.');

/** What a correct password leads to: a session now, or a second factor first (or enrolment first). */
export type SecondFactorRequirement = 'none' | ChallengePurpose;

/**
 * TOTP second factor with recovery codes. Mandatory for org admins and platform staff, and for
 * professionals when their organisation says so. A correct password of a user who needs a second
 * factor yields a login challenge (5 minutes, stored hashed, bound to user and address) instead of a
 * session; see PasswordLoginService.completeSecondFactor for the second step.
 */
@Injectable()
export class TwoFactorService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: TwoFactorRepository,
    private readonly users: UsersRepository,
    private readonly cipher: TotpSecretCipher,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditEmitter,
    private readonly clock: Clock,
  ) {}

  async isMandatory(role: UserRole, tenantId: string): Promise<boolean> {
    if (role === 'org_admin' || role === 'platform_staff') return true;
    return role === 'professional' && (await this.repository.requiredForProfessionals(tenantId));
  }

  async requirement(user: Pick<UserAccount, 'id' | 'role' | 'tenantId'>): Promise<SecondFactorRequirement> {
    const totp = await this.repository.findTotp(user.id);
    if (totp?.confirmedAt) return 'verify';
    return (await this.isMandatory(user.role, user.tenantId)) ? 'enrol' : 'none';
  }

  /** Issues a login challenge in the caller's transaction; the token is returned once, stored hashed. */
  async issueChallenge(
    manager: EntityManager,
    user: Pick<UserAccount, 'id' | 'tenantId'>,
    purpose: ChallengePurpose,
    sourceAddress: string,
    now: Date,
  ): Promise<{ id: string; answer: SecondFactorChallenge }> {
    const token = randomBytes(32).toString('base64url');
    const id = randomUUID();
    const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_MS);
    await this.repository.insertChallenge(
      {
        id,
        tokenHash: hashToken(token),
        userId: user.id,
        tenantId: user.tenantId,
        purpose,
        sourceAddress,
        expiresAt,
      },
      now,
      manager,
    );
    const answer: SecondFactorChallenge = {
      secondFactorRequired: true,
      ...(purpose === 'enrol' ? { enrolmentRequired: true as const } : {}),
      challenge: token,
      expiresAt: expiresAt.toISOString(),
    };
    return { id, answer };
  }

  /** A live challenge issued to this address, with its user (still active), or a generic 401. */
  async findChallenge(
    token: string,
    sourceAddress: string,
  ): Promise<{ challenge: ChallengeRow; user: UserAccount }> {
    const invalid = () =>
      new TwoFactorException(
        TwoFactorErrorCode.ChallengeInvalid,
        'The sign-in attempt has expired or is not valid. Log in again.',
      );
    const challenge = await this.repository.findLiveChallenge(
      hashToken(token),
      sourceAddress,
      this.clock.now(),
    );
    if (!challenge) throw invalid();
    const user = await this.users.findInTenant(challenge.tenantId, challenge.userId);
    if (!user || user.status !== 'active') throw invalid();
    return { challenge, user };
  }

  consumeChallenge(manager: EntityManager, id: string, at: Date): Promise<boolean> {
    return this.repository.consumeChallenge(id, at, manager);
  }

  /** A new secret, pending until confirmed with a code from it. Refused while one is active. */
  async startEnrolment(
    user: Pick<UserAccount, 'id' | 'email'>,
  ): Promise<{ secret: string; otpauthUrl: string }> {
    const secret = generateTotpSecret();
    if (!(await this.repository.savePending(user.id, this.cipher.encrypt(secret, user.id)))) {
      throw new TwoFactorException(
        TwoFactorErrorCode.AlreadyActive,
        'Two-factor authentication is already active. Turn it off first to enrol a new authenticator.',
      );
    }
    return { secret, otpauthUrl: otpauthUrl({ issuer: ISSUER, account: user.email, secret }) };
  }

  /**
   * Activates a pending secret with a current code from it, and returns ten fresh recovery codes
   * (shown this once). Null when the code is wrong.
   */
  async confirmEnrolment(
    user: Pick<UserAccount, 'id' | 'role' | 'tenantId'>,
    code: string,
  ): Promise<string[] | null> {
    const totp = await this.repository.findTotp(user.id);
    if (!totp || totp.confirmedAt) {
      throw new TwoFactorException(TwoFactorErrorCode.NotPending, 'Start enrolment first.');
    }
    const now = this.clock.now();
    const key = base32Decode(this.cipher.decrypt(totp.secretCiphertext, user.id));
    const step = verifyTotp(key, code, now, totp.lastUsedStep);
    if (step === null) return null;
    // A set whose lookup tags are distinct, so a typed code has at most one stored hash to check.
    let codes: string[];
    let tags: number[];
    do {
      codes = generateRecoveryCodes();
      tags = codes.map((c) => this.cipher.recoveryCodeTag(user.id, normaliseRecoveryCode(c)!));
    } while (new Set(tags).size !== codes.length);
    const hashed = await Promise.all(
      codes.map(async (c, i) => ({
        id: randomUUID(),
        hash: await this.hasher.hash(normaliseRecoveryCode(c)!),
        tag: tags[i],
      })),
    );
    const accepted = await this.dataSource.transaction(async (manager) => {
      if (!(await this.repository.acceptStep(user.id, step, manager))) return false;
      await this.repository.confirm(user.id, now, manager);
      await this.repository.replaceRecoveryCodes(user.id, hashed, manager);
      await this.audit.record(
        manager,
        {
          action: 'auth.two_factor.enrolled',
          outcome: 'success',
          actorId: user.id,
          actorRole: user.role,
          resource: 'user_account',
          resourceId: user.id,
        },
        { tenantId: user.tenantId, subjectId: user.id },
      );
      return true;
    });
    return accepted ? codes : null;
  }

  /** Checks a TOTP code (never a replayed step) or an unused recovery code (spending it). */
  async verifyCode(userId: string, code: string): Promise<boolean> {
    const totp = await this.repository.findTotp(userId);
    if (!totp?.confirmedAt) return false;
    const now = this.clock.now();
    if (/^\d{6}$/.test(code)) {
      const key = base32Decode(this.cipher.decrypt(totp.secretCiphertext, userId));
      const step = verifyTotp(key, code, now, totp.lastUsedStep);
      return step !== null && this.repository.acceptStep(userId, step, this.dataSource.manager);
    }
    const recovery = normaliseRecoveryCode(code);
    if (!recovery) return false;
    const candidates = await this.repository.recoveryCodeCandidates(
      userId,
      this.cipher.recoveryCodeTag(userId, recovery),
    );
    // One argon2 verification per guess: the tagged code, or the dummy hash when there is none.
    const tagged = candidates.find((c) => c.tagged);
    if (tagged || candidates.length === 0) {
      const ok = await this.hasher.verify(tagged?.hash, recovery);
      return ok && tagged !== undefined && this.repository.useRecoveryCode(tagged.id, now);
    }
    // Codes issued before lookup tags (until the user's next enrolment): each is checked, as before.
    for (const legacy of candidates) {
      if (await this.hasher.verify(legacy.hash, recovery))
        return this.repository.useRecoveryCode(legacy.id, now);
    }
    return false;
  }

  /** Enrolment during login, for a user who must have 2FA and has none: the challenge stands in for a session. */
  async enrolWithChallenge(
    token: string,
    sourceAddress: string,
  ): Promise<{ secret: string; otpauthUrl: string }> {
    const { challenge, user } = await this.findChallenge(token, sourceAddress);
    if (challenge.purpose !== 'enrol') {
      throw new TwoFactorException(
        TwoFactorErrorCode.AlreadyActive,
        'Two-factor authentication is already active.',
      );
    }
    return this.startEnrolment(user);
  }

  // ── Authenticated endpoints ────────────────────────────────────────────────────────────────────

  async enrol(actor: Actor): Promise<{ secret: string; otpauthUrl: string }> {
    return this.startEnrolment(await this.userOf(actor));
  }

  async confirm(actor: Actor, code: string): Promise<{ recoveryCodes: string[] }> {
    const recoveryCodes = await this.confirmEnrolment(await this.userOf(actor), code);
    if (!recoveryCodes) throw invalidCode();
    return { recoveryCodes };
  }

  /** An org admin makes 2FA mandatory (or not) for the organisation's professionals. */
  async setSettings(actor: Actor, dto: TwoFactorSettingsDto): Promise<{ requiredForProfessionals: boolean }> {
    if (!actor.roles.includes('org_admin')) {
      throw new TwoFactorException(
        TwoFactorErrorCode.Forbidden,
        'Only organisation administrators can change this setting.',
      );
    }
    await this.dataSource.transaction(async (manager) => {
      await this.repository.setRequiredForProfessionals(
        actor.tenantId,
        dto.requiredForProfessionals,
        manager,
      );
      await this.audit.record(
        manager,
        {
          action: 'tenant.two_factor.changed',
          outcome: 'success',
          actorId: actor.userId,
          actorRole: 'org_admin',
          resource: 'tenant',
          resourceId: actor.tenantId,
        },
        { tenantId: actor.tenantId },
      );
    });
    return { requiredForProfessionals: dto.requiredForProfessionals };
  }

  async userOf(actor: Actor): Promise<UserAccount> {
    const user = await this.users.findInTenant(actor.tenantId, actor.userId);
    if (!user) throw new TwoFactorException(TwoFactorErrorCode.Forbidden, 'Forbidden.');
    return user;
  }
}
