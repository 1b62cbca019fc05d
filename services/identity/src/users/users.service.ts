import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { identityUserRegisteredV1, type UserRole } from '@therapy-room/contracts';
import { OutboxService } from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import { IdentityErrorCode, IdentityException } from '../common/identity.exception';
import { normaliseEmail } from '../common/normalise';
import { TenantsRepository } from '../tenants/tenants.repository';
import { UsersRepository } from './users.repository';
import type { UserStatus } from './user-account.entity';
import type { CreateUserDto } from './dto/create-user.dto';
import type { ProfileDto } from './dto/profile.dto';

@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly tenants: TenantsRepository,
    private readonly outbox: OutboxService,
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
    await this.users.insert({ ...input, id, email }, manager);
    await this.outbox.add(
      manager,
      identityUserRegisteredV1,
      { userId: id, role: input.role },
      { tenantId: input.tenantId, subjectId: id },
    );
    return id;
  }

  /** An org admin registers a professional or client; they activate their account through an invitation (identity issue). */
  async createByAdmin(actor: Actor, dto: CreateUserDto): Promise<{ id: string }> {
    if (!actor.roles.includes('org_admin')) {
      throw new IdentityException(
        IdentityErrorCode.Forbidden,
        'Only organisation administrators can add accounts.',
      );
    }
    const id = await this.dataSource.transaction((manager) =>
      this.addUser(manager, {
        tenantId: actor.tenantId,
        email: dto.email,
        displayName: dto.displayName,
        role: dto.role,
        status: 'invited',
        passwordHash: null,
      }),
    );
    return { id };
  }

  async profile(actor: Actor): Promise<ProfileDto> {
    const [user, tenant] = await Promise.all([
      this.users.findInTenant(actor.tenantId, actor.userId),
      this.tenants.findById(actor.tenantId),
    ]);
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
