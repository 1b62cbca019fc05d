import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { Clock, PLATFORM_CONFIG, PLATFORM_LOGGER, requestContext } from '@therapy-room/platform';
import type { RetentionConfig } from '../retention.config';
import { RequestsRepository } from '../requests/requests.repository';
import { SagaService } from './saga.service';
import { DownloadsService } from '../exports/downloads.service';
import { SweepService } from '../expiry/sweep.service';

const BATCH = 100;

/**
 * Moves sagas on by the (injected) clock, every RETENTION_TICK_SECONDS: erasures whose grace period
 * ended start (unless on hold or under a legal hold), silent participants are asked again. Rows are
 * claimed FOR UPDATE SKIP LOCKED, so replicas share the work and a killed process loses nothing: its
 * transaction rolls back and the next tick, here or elsewhere, takes the row again.
 */
@Injectable()
export class SagaDriver implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly requests: RequestsRepository,
    private readonly saga: SagaService,
    private readonly downloads: DownloadsService,
    private readonly sweeps: SweepService,
    private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) private readonly config: RetentionConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick()
        .catch((err: Error) => this.logger.warn({ err }, 'retention tick failed; next tick retries'))
        .finally(() => (this.running = undefined));
    }, this.config.RETENTION_TICK_SECONDS * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown() {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; answers how many erasures started and how many requests were sent again (or marked stuck). */
  tick(): Promise<{ started: number; resent: number; expired: number; swept: number }> {
    // No client started this work: its audit entries name the tick and the unspecified address.
    return requestContext.run({ requestId: `retention-tick:${randomUUID()}`, sourceAddress: '::' }, () =>
      this.pass(),
    );
  }

  private async pass(): Promise<{ started: number; resent: number; expired: number; swept: number }> {
    const now = this.clock.now();
    const started = await this.dataSource.transaction(async (manager) => {
      const due = await this.requests.dueToRun(manager, now, BATCH);
      for (const r of due) await this.saga.start(manager, r, null, now);
      return due.length;
    });
    const resent = await this.dataSource.transaction((manager) =>
      this.saga.resendSilent(manager, now, BATCH),
    );
    const expired = await this.downloads.expire(BATCH);
    // The day's expiry sweep, a bounded part per tick until every organisation is done for the day.
    const swept = await this.sweeps.sweep();
    return { started, resent, expired, swept };
  }
}
