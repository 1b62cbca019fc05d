import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { PLATFORM_CONFIG, PLATFORM_LOGGER } from '@therapy-room/platform';
import type { AuditConfig } from '../audit.config';
import { AuditClock } from '../log/audit-clock';
import { Checkpoints } from './checkpoints';

/**
 * The time side of checkpoints: an organisation whose oldest record without a checkpoint is older than
 * AUDIT_CHECKPOINT_INTERVAL_SECONDS gets one, even when it records little. Checked every tenth of the
 * interval (at most once a minute); each organisation in its own transaction, holding its head's lock.
 */
@Injectable()
export class CheckpointScheduler implements OnModuleInit, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private readonly intervalMs: number;

  constructor(
    @Inject(PLATFORM_CONFIG) config: AuditConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
    private readonly dataSource: DataSource,
    private readonly checkpoints: Checkpoints,
    private readonly clock: AuditClock,
  ) {
    this.intervalMs = config.AUDIT_CHECKPOINT_INTERVAL_SECONDS * 1000;
  }

  onModuleInit() {
    this.timer = setInterval(
      () => void this.checkpointDue().catch((err) => this.logger.warn({ err }, 'audit checkpoints failed')),
      Math.min(Math.max(this.intervalMs / 10, 1000), 60_000),
    );
    this.timer.unref();
  }

  onApplicationShutdown() {
    if (this.timer) clearInterval(this.timer);
  }

  /** Checkpoints every organisation that is due; answers how many. */
  async checkpointDue(): Promise<number> {
    const due = new Date(this.clock.now().getTime() - this.intervalMs);
    const tenants: { tenant_id: string }[] = await this.dataSource.query(
      `SELECT tenant_id FROM audit_chain_head WHERE first_unchecked_at <= $1 AND position > checkpointed_position`,
      [due],
    );
    let done = 0;
    for (const { tenant_id: tenantId } of tenants) {
      await this.dataSource.transaction(async (manager) => {
        const [head]: { position: string; hash: Buffer; checkpointed_position: string }[] =
          await manager.query(
            `SELECT position, hash, checkpointed_position FROM audit_chain_head WHERE tenant_id = $1 FOR UPDATE`,
            [tenantId],
          );
        if (Number(head.position) <= Number(head.checkpointed_position)) return;
        await this.checkpoints.record(manager, tenantId, {
          position: Number(head.position),
          hash: head.hash,
        });
        done += 1;
      });
    }
    return done;
  }
}
