import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PLATFORM_CONFIG } from '@therapy-room/platform';
import type { IdentityConfig } from '../identity.config';
import { IdentityErrorCode, IdentityException } from '../common/identity.exception';
import { UsersRepository } from '../users/users.repository';
import { TenantsRepository } from './tenants.repository';

/**
 * The licence: how many professional accounts an organisation may have. The one check, used wherever
 * an account starts taking a seat (an invitation, a reactivation). It locks the tenant row, so two
 * concurrent changes in one organisation cannot both take the last seat.
 *
 * Training accounts take no seat, so they are limited to what training needs: a training
 * professional works with training clients only (see UsersService.createByAdmin), and an
 * organisation has at most TRAINING_ACCOUNTS_MAX training accounts (professionals and clients).
 */
@Injectable()
export class LicenceService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly users: UsersRepository,
    @Inject(PLATFORM_CONFIG) private readonly config: IdentityConfig,
  ) {}

  /** The professional licence as the organisation's admins see it: seats taken and the total. */
  async seats(tenantId: string, manager: EntityManager): Promise<{ used: number; total: number }> {
    const tenant = await this.tenants.findById(tenantId, manager);
    if (!tenant) throw new IdentityException(IdentityErrorCode.NotFound, 'Not found.');
    return {
      used: await this.users.countLicensedProfessionals(tenant.id, manager),
      total: tenant.professionalSeats,
    };
  }

  /** A new (or reactivated) training account must fit in the organisation's training allowance. */
  async assertTrainingSlotFree(tenantId: string, manager: EntityManager): Promise<void> {
    const tenant = await this.tenants.findByIdForUpdate(tenantId, manager);
    if (!tenant) throw new IdentityException(IdentityErrorCode.NotFound, 'Not found.');
    const inUse = await this.users.countTrainingAccounts(tenant.id, manager);
    if (inUse >= this.config.TRAINING_ACCOUNTS_MAX) {
      throw new IdentityException(
        IdentityErrorCode.TrainingLimitReached,
        `An organisation may have ${this.config.TRAINING_ACCOUNTS_MAX} training accounts; all are in use.`,
      );
    }
  }

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
