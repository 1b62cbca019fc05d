import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { PLATFORM_CONFIG, type DatabaseConfig } from '../config/config';
import { PLATFORM_LOGGER } from '../logging/logger.module';
import { changedRows } from '../database/returning';

const HOUR_MS = 60 * 60 * 1000;

/**
 * Keeps the inbox from growing forever: an event id only needs remembering while Kafka could still
 * redeliver it, so rows older than INBOX_RETENTION_DAYS (longer than the topics' retention) go.
 */
@Injectable()
export class InboxPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) private readonly config: DatabaseConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    this.timer = setInterval(
      () => void this.prune().catch((err) => this.logger.warn({ err }, 'inbox pruning failed')),
      HOUR_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }

  /** Deletes expired inbox rows in bounded batches; returns how many went. */
  async prune(batch = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await changedRows(
        this.dataSource,
        `DELETE FROM inbox WHERE event_id IN (
           SELECT event_id FROM inbox WHERE handled_at < now() - make_interval(days => $1) LIMIT $2
         ) RETURNING event_id`,
        [this.config.INBOX_RETENTION_DAYS, batch],
      );
      total += deleted.length;
      if (deleted.length < batch) return total;
    }
  }
}
