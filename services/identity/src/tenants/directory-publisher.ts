import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { identityDirectoryEntryPublishedV1 } from '@therapy-room/contracts';
import { OutboxService, PLATFORM_CONFIG, PLATFORM_LOGGER } from '@therapy-room/platform';
import type { IdentityConfig } from '../identity.config';
import { Tenant } from './tenant.entity';

/**
 * The organisation directory entries (slug, home region, base URL) this region publishes: one when an
 * organisation is created, and every one again at each start, so a directory topic that was emptied
 * or recreated (a new Kafka, a changed PUBLIC_URL) is whole again. The topic is compacted by tenant id:
 * publishing again replaces, never duplicates.
 */
@Injectable()
export class DirectoryPublisher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** The start's republishing, while it runs: a shutdown lets it finish before the database closes. */
  private republishing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    @Inject(PLATFORM_CONFIG) private readonly config: IdentityConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  async publish(manager: EntityManager, tenant: Pick<Tenant, 'id' | 'slug' | 'region'>): Promise<void> {
    await this.outbox.add(
      manager,
      identityDirectoryEntryPublishedV1,
      {
        tenantId: tenant.id,
        slug: tenant.slug,
        region: tenant.region,
        baseUrl: this.config.PUBLIC_URL.replace(/\/$/, ''),
      },
      { tenantId: tenant.id },
    );
  }

  /** In the background: starting (and readiness) never waits on it; a failure is logged, not fatal. */
  onApplicationBootstrap() {
    this.republishing = this.republishAll().catch((err: Error) =>
      this.logger.error(
        { err },
        'organisation directory entries not published again; they will be at the next start',
      ),
    );
  }

  async beforeApplicationShutdown() {
    await this.republishing;
  }

  async republishAll(): Promise<number> {
    const count = await this.dataSource.transaction(async (manager) => {
      const tenants = await manager.find(Tenant, { select: { id: true, slug: true, region: true } });
      for (const tenant of tenants) await this.publish(manager, tenant);
      return tenants.length;
    });
    this.logger.info({ organisations: count }, 'organisation directory entries published');
    return count;
  }
}
