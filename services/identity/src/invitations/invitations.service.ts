import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditEmitter, PLATFORM_CONFIG, PLATFORM_LOGGER } from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import { Clock } from '@therapy-room/platform';
import { IdentityErrorCode, IdentityException } from '../common/identity.exception';
import { hashLinkToken, linkNamesTenant, linkUrl, newLinkToken } from '../common/link-token';
import { PasswordHasher } from '../common/password-hasher';
import type { IdentityConfig } from '../identity.config';
import { MailOutboxService } from '../mail/mail-outbox.service';
import type { MailOutboxEntry, OutgoingMail } from '../mail/outgoing-mail';
import { assertPasswordAllowed } from '../passwords/password-policy';
import { TenantsRepository } from '../tenants/tenants.repository';
import { UsersRepository } from '../users/users.repository';
import { InvitationsRepository } from './invitations.repository';
import type { ActivateDto } from './dto/activate.dto';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const LINK_NO_LONGER_VALID = 'This link is no longer valid.';

/**
 * Invitation links: created with the account (or again on request, replacing older ones), mailed
 * after commit, used once to set a password and activate the account within 7 days.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly invitations: InvitationsRepository,
    private readonly users: UsersRepository,
    private readonly tenants: TenantsRepository,
    private readonly hasher: PasswordHasher,
    private readonly mail: MailOutboxService,
    private readonly clock: Clock,
    private readonly audit: AuditEmitter,
    @Inject(PLATFORM_CONFIG) private readonly config: IdentityConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {
    this.mail.registerComposer('invitation', (manager, entry) => this.compose(manager, entry));
  }

  /** A new invitation for an invited account, in the caller's transaction; older links stop working. */
  async invite(
    manager: EntityManager,
    input: { tenantId: string; userId: string; invitedBy: string | null },
  ): Promise<void> {
    const now = this.clock.now();
    const id = randomUUID();
    await this.invitations.revokePending(manager, input.userId, now);
    await this.invitations.insert(manager, {
      id,
      ...input,
      createdAt: now,
      expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
    });
    await this.mail.enqueue(manager, {
      tenantId: input.tenantId,
      userId: input.userId,
      kind: 'invitation',
      refId: id,
    });
  }

  /** Sends a fresh invitation to an account that has not been activated yet (the old link stops working). */
  async reinvite(actor: Actor, userId: string): Promise<void> {
    const isAdmin = actor.roles.includes('org_admin');
    if (!isAdmin && !actor.roles.includes('professional')) {
      throw new IdentityException(IdentityErrorCode.Forbidden, 'You cannot invite accounts.');
    }
    await this.dataSource.transaction(async (manager) => {
      const user = await this.users.findInTenantForUpdate(actor.tenantId, userId, manager);
      // A professional may re-invite clients only; anything else is simply not found for them.
      if (!user || user.status !== 'invited' || (!isAdmin && user.role !== 'client')) {
        throw new IdentityException(IdentityErrorCode.NotFound, 'No pending invitation for this account.');
      }
      await this.invite(manager, { tenantId: user.tenantId, userId: user.id, invitedBy: actor.userId });
    });
  }

  /**
   * Sets the first password and activates the account. Unknown, used, revoked and expired links all
   * get the same answer; a password the policy refuses leaves the link usable.
   */
  async activate(dto: ActivateDto): Promise<{ organisation: string }> {
    const hash = hashLinkToken(dto.token);
    const invalid = () => new IdentityException(IdentityErrorCode.LinkInvalid, LINK_NO_LONGER_VALID);
    const found = await this.invitations.findUsable(this.dataSource.manager, hash, this.clock.now());
    const user = found && (await this.users.findInTenant(found.tenantId, found.userId));
    const tenant = found && (await this.tenants.findById(found.tenantId));
    if (
      !found ||
      !user ||
      !tenant ||
      !linkNamesTenant(dto.organisation, tenant.slug) ||
      user.status !== 'invited'
    )
      throw invalid();

    assertPasswordAllowed(dto.password, {
      tenantPolicy: tenant.passwordPolicy,
      email: user.email,
      path: 'password',
    });
    const passwordHash = await this.hasher.hash(dto.password);

    await this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      // Checked again under lock: two activations with one link cannot both succeed.
      const invitation = await this.invitations.findUsable(manager, hash, now);
      const locked =
        invitation &&
        (await this.users.findInTenantForUpdate(invitation.tenantId, invitation.userId, manager));
      if (!invitation || !locked || locked.status !== 'invited') throw invalid();
      await this.users.updatePasswordHash(locked.id, passwordHash, manager);
      await this.users.setStatus(locked.id, 'active', manager);
      await this.invitations.markUsed(manager, invitation.id, now);
      await this.invitations.revokePending(manager, locked.id, now, invitation.id);
      await this.audit.record(
        manager,
        {
          action: 'user.activate',
          outcome: 'success',
          actorId: locked.id,
          actorRole: locked.role,
          resource: 'user',
          resourceId: locked.id,
        },
        { tenantId: locked.tenantId, subjectId: locked.id },
      );
    });
    this.logger.info({ tenantId: tenant.id, userId: user.id }, 'account activated');
    return { organisation: tenant.slug };
  }

  /** The invitation mail, with a token made now: only its hash is stored, and only from now on. */
  private async compose(manager: EntityManager, entry: MailOutboxEntry): Promise<OutgoingMail | null> {
    const user = await this.users.findInTenant(entry.tenantId, entry.userId, manager);
    if (!user || user.status !== 'invited') return null;
    const { token, hash } = newLinkToken();
    if (!(await this.invitations.setTokenHash(manager, entry.refId, hash, this.clock.now()))) return null;
    const tenant = await this.tenants.findById(entry.tenantId, manager);
    if (!tenant) return null;
    const link = linkUrl(this.config.PUBLIC_URL, 'activate', tenant.slug, token);
    return {
      to: user.email,
      subject: 'Your Therapy Room invitation',
      text: [
        'Hello,',
        '',
        'You have been invited to open an account on Therapy Room.',
        'To choose your password and activate your account, open this link:',
        '',
        link,
        '',
        'The link works once and expires in 7 days. If you did not expect this invitation, ignore this e-mail.',
        '',
        'Therapy Room',
      ].join('\n'),
    };
  }
}
