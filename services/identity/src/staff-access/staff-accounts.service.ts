import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PasswordHasher } from '../common/password-hasher';
import { assertPasswordAllowed } from '../passwords/password-policy';
import { TenantsRepository } from '../tenants/tenants.repository';
import { UsersService } from '../users/users.service';
import { StaffAccessErrorCode, StaffAccessException } from './staff-access.exception';

/** Platform staff accounts (the operator's own IT staff), made by platform ops with the CLI. */
@Injectable()
export class StaffAccountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantsRepository,
    private readonly usersService: UsersService,
    private readonly hasher: PasswordHasher,
  ) {}

  /** Platform ops (CLI): a platform staff account in an operator tenant; 2FA is enrolled at first login. */
  async createStaff(input: {
    tenantSlug?: string;
    email: string;
    displayName: string;
    password: string;
  }): Promise<{ tenantId: string; userId: string; slug: string }> {
    const operators = (await this.tenants.findOperators()).filter(
      (t) => input.tenantSlug === undefined || t.slug === input.tenantSlug,
    );
    if (operators.length !== 1) {
      throw new StaffAccessException(
        StaffAccessErrorCode.NotFound,
        input.tenantSlug
          ? `There is no operator organisation "${input.tenantSlug}" (create it with create-tenant --operator).`
          : 'Name the operator organisation with --tenant (there is none, or more than one).',
      );
    }
    const [tenant] = operators;
    assertPasswordAllowed(input.password, {
      tenantPolicy: tenant.passwordPolicy,
      email: input.email,
      path: 'password',
    });
    const passwordHash = await this.hasher.hash(input.password);
    const userId = await this.dataSource.transaction((manager) =>
      this.usersService.addUser(manager, {
        tenantId: tenant.id,
        email: input.email,
        displayName: input.displayName,
        role: 'platform_staff',
        status: 'active',
        passwordHash,
      }),
    );
    return { tenantId: tenant.id, userId, slug: tenant.slug };
  }
}
