import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { IdentityErrorCode, IdentityException } from '../common/identity.exception';
import { UsersRepository } from '../users/users.repository';
import { TenantsRepository } from './tenants.repository';

/**
 * The licence: how many professional accounts an organisation may have. The one check, used wherever
 * an account starts taking a seat (an invitation, a reactivation). It locks the tenant row, so two
 * concurrent changes in one organisation cannot both take the last seat.
 */
@Injectable()
export class LicenceService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly users: UsersRepository,
  ) {}

  async assertProfessionalSeatFree(tenantId: string, manager: EntityManager): Promise<void> {
    const tenant = await this.tenants.findByIdForUpdate(tenantId, manager);
    if (!tenant) throw new IdentityException(IdentityErrorCode.NotFound, 'Not found.');
    const inUse = await this.users.countLicensedProfessionals(tenant.id, manager);
    if (inUse >= tenant.professionalSeats) {
      throw new IdentityException(
        IdentityErrorCode.LicenceExhausted,
        `This organisation's licence allows ${tenant.professionalSeats} professional account${
          tenant.professionalSeats === 1 ? '' : 's'
        }; all are in use.`,
      );
    }
  }
}
