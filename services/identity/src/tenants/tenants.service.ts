import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';
import { identityTenantCreatedV1 } from '@therapy-room/contracts';
import { OutboxService, PLATFORM_CONFIG } from '@therapy-room/platform';
import { IdentityErrorCode, IdentityException } from '../common/identity.exception';
import { PasswordHasher } from '../common/password-hasher';
import type { IdentityConfig } from '../identity.config';
import { assertPasswordAllowed } from '../passwords/password-policy';
import { UsersService } from '../users/users.service';
import { TenantsRepository } from './tenants.repository';
import { DirectoryPublisher } from './directory-publisher';
import type { CreateTenantDto } from './dto/create-tenant.dto';

const isUniqueViolation = (err: unknown, constraint: string) =>
  err instanceof QueryFailedError &&
  (err.driverError as { code?: string; constraint?: string }).code === '23505' &&
  (err.driverError as { constraint?: string }).constraint === constraint;

@Injectable()
export class TenantsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantsRepository,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly outbox: OutboxService,
    private readonly directory: DirectoryPublisher,
    @Inject(PLATFORM_CONFIG) private readonly config: IdentityConfig,
  ) {}

  /** Platform ops: a new organisation in this region with its first org admin, in one transaction. */
  async createWithAdmin(dto: CreateTenantDto): Promise<{ tenantId: string; adminId: string }> {
    if (dto.region !== this.config.REGION) {
      throw new IdentityException(
        IdentityErrorCode.TenantRegionMismatch,
        `This is the ${this.config.REGION} region; create ${dto.region} organisations in the ${dto.region} region.`,
      );
    }
    assertPasswordAllowed(dto.admin.password, {
      tenantPolicy: dto.passwordPolicy,
      email: dto.admin.email,
      path: 'admin.password',
    });
    const passwordHash = await this.hasher.hash(dto.admin.password);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const tenantId = randomUUID();
        await this.tenants.insert(
          {
            id: tenantId,
            slug: dto.slug,
            name: dto.name,
            region: dto.region,
            professionalSeats: dto.professionalSeats,
            passwordPolicy: dto.passwordPolicy,
            isOperator: dto.operator,
          },
          manager,
        );
        await this.outbox.add(
          manager,
          identityTenantCreatedV1,
          { tenantId, slug: dto.slug, region: dto.region, professionalSeats: dto.professionalSeats },
          { tenantId },
        );
        // The directory entry (slug, home region, base URL): the one record MirrorMaker 2 carries to
        // the other region, so that its gateway sends this organisation's users here.
        await this.directory.publish(manager, { id: tenantId, slug: dto.slug, region: dto.region });
        const adminId = await this.users.addUser(manager, {
          tenantId,
          email: dto.admin.email,
          displayName: dto.admin.displayName,
          role: 'org_admin',
          status: 'active',
          passwordHash,
        });
        return { tenantId, adminId };
      });
    } catch (err) {
      if (isUniqueViolation(err, 'tenant_slug_key')) {
        throw new IdentityException(
          IdentityErrorCode.TenantSlugTaken,
          `The organisation slug "${dto.slug}" is taken.`,
        );
      }
      throw err;
    }
  }
}
