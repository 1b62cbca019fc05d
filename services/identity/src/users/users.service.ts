import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import {
  identityUserProfileChangedV1,
  identityUserRegisteredV1,
  type UserRole,
} from '@therapy-room/contracts';
import { OutboxService } from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import { IdentityErrorCode, IdentityException } from '../common/identity.exception';
import { normaliseEmail } from '../common/normalise';
import { TenantsRepository } from '../tenants/tenants.repository';
import { InvitationsService } from '../invitations/invitations.service';
import { LicenceService } from '../tenants/licence.service';
import { UsersRepository } from './users.repository';
import type { UserStatus } from './user-account.entity';
import type { CreateUserDto } from './dto/create-user.dto';
import type { ProfileDto } from './dto/profile.dto';
import type { ListUsersPage, ListUsersQuery } from './dto/list-users.dto';

@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly tenants: TenantsRepository,
    private readonly outbox: OutboxService,
    private readonly invitations: InvitationsService,
    private readonly licence: LicenceService,
  ) {}

  /** Adds an account to a tenant and announces it, in the caller's transaction. */
  async addUser(
    manager: EntityManager,
    input: {
      tenantId: string;
      email: string;
      displayName: string;
      role: UserRole;
      status: UserStatus;
      passwordHash: string | null;
      training?: boolean;
    },
  ): Promise<string> {
    const email = normaliseEmail(input.email);
    if (await this.users.emailExists(input.tenantId, email, manager)) {
      throw new IdentityException(
        IdentityErrorCode.EmailTaken,
        'An account with this e-mail address already exists in this organisation.',
      );
    }
    const id = randomUUID();
    await this.users.insert({ ...input, id, email, training: input.training ?? false }, manager);
    await this.outbox.add(
      manager,
      identityUserRegisteredV1,
      // Training accounts say so: other services keep training and real clients apart.
      { userId: id, role: input.role, ...(input.training ? { training: true } : {}) },
      { tenantId: input.tenantId, subjectId: id },
    );
    await this.outbox.add(
      manager,
      identityUserProfileChangedV1,
      { userId: id, displayName: input.displayName },
      { tenantId: input.tenantId, subjectId: id },
    );
    return id;
  }

  /**
   * Invites someone: an account with status 'invited' and an invitation mailed after commit. Org
   * admins invite professionals and clients, professionals invite clients only. A professional
   * takes a licence seat unless it is a training account (see UsersRepository.countLicensedProfessionals).
   *
   * Training accounts take no seat, so they are kept to what training needs: only org admins create
   * them (training professionals, and training clients to practise with); every client a training
   * professional invites is a training client (never a real one); and an organisation has at most
   * TRAINING_ACCOUNTS_MAX of them (LicenceService).
   */
  async createByAdmin(actor: Actor, dto: CreateUserDto): Promise<{ id: string }> {
    const isAdmin = actor.roles.includes('org_admin') && !actor.grantId;
    if (!isAdmin && !(actor.roles.includes('professional') && dto.role === 'client')) {
      throw new IdentityException(
        IdentityErrorCode.Forbidden,
        'Only organisation administrators can add professionals; professionals can invite clients.',
      );
    }
    const training = isAdmin ? dto.training === true : await this.inviterIsTraining(actor, dto);
    const id = await this.dataSource.transaction(async (manager) => {
      if (training) {
        await this.licence.assertTrainingSlotFree(actor.tenantId, manager);
      } else if (dto.role === 'professional') {
        await this.licence.assertProfessionalSeatFree(actor.tenantId, manager);
      } else if (!(await this.tenants.findById(actor.tenantId, manager))) {
        throw new IdentityException(IdentityErrorCode.NotFound, 'Not found.');
      }
      const userId = await this.addUser(manager, {
        tenantId: actor.tenantId,
        email: dto.email,
        displayName: dto.displayName,
        role: dto.role,
        status: 'invited',
        passwordHash: null,
        training,
      });
      await this.invitations.invite(manager, {
        tenantId: actor.tenantId,
        userId,
        invitedBy: actor.userId,
      });
      return userId;
    });
    return { id };
  }

  /**
   * A professional inviting a client: a training professional's clients are training clients; a
   * professional with a seat cannot make training accounts (and a training one cannot make real ones).
   */
  private async inviterIsTraining(actor: Actor, dto: CreateUserDto): Promise<boolean> {
    const inviter = await this.users.findInTenant(actor.tenantId, actor.userId);
    const training = inviter?.training === true;
    if (dto.training !== undefined && dto.training !== training) {
      throw new IdentityException(
        IdentityErrorCode.Forbidden,
        training
          ? 'A training account can invite training clients only.'
          : 'Only organisation administrators can create training accounts.',
      );
    }
    return training;
  }

  /** Ids, roles and statuses only, oldest first; staff reach it only under an active grant. */
  async list(actor: Actor, query: ListUsersQuery): Promise<ListUsersPage> {
    const isAdmin = actor.roles.includes('org_admin') && !actor.grantId;
    const isStaffWithGrant = actor.roles.includes('platform_staff') && Boolean(actor.grantId);
    if (!isAdmin && !isStaffWithGrant) {
      throw new IdentityException(
        IdentityErrorCode.Forbidden,
        "Only the organisation's administrators can list accounts.",
      );
    }
    const { items, total } = await this.users.listInTenant(actor.tenantId, query.limit, query.offset);
    const seats = await this.licence.seats(actor.tenantId, this.dataSource.manager);
    return { items, total, limit: query.limit, offset: query.offset, seats };
  }

  async profile(actor: Actor): Promise<ProfileDto> {
    // Platform staff acting under a grant are still members of their own (operator) organisation.
    const user = actor.grantId
      ? await this.users.findById(actor.userId)
      : await this.users.findInTenant(actor.tenantId, actor.userId);
    const tenant = user ? await this.tenants.findById(user.tenantId) : null;
    if (!user || !tenant) throw new IdentityException(IdentityErrorCode.NotFound, 'Not found.');
    return {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      role: user.role,
      status: user.status,
      organisation: { id: tenant.id, slug: tenant.slug, name: tenant.name, region: tenant.region },
    };
  }
}
