import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Metrics } from './metrics';

interface OutboxState {
  backlog: string;
  parked: string;
  oldest_seconds: string | null;
}

/**
 * The outbox at scrape time (one query on its own table): rows waiting to be published, the age of
 * the oldest (growing while Kafka or the relay is stuck) and parked rows (gave up after
 * OUTBOX_MAX_ATTEMPTS; need a person). Every replica reports the same table: aggregate with max.
 */
@Injectable()
export class OutboxMetrics {
  private state?: Promise<OutboxState | undefined>;

  constructor(metrics: Metrics, dataSource: DataSource) {
    const read = () => {
      // One query serves the three gauges of a scrape.
      this.state ??= dataSource
        .query<OutboxState[]>(
          `SELECT count(*) FILTER (WHERE parked_at IS NULL) AS backlog,
                  count(*) FILTER (WHERE parked_at IS NOT NULL) AS parked,
                  extract(epoch FROM now() - min(created_at) FILTER (WHERE parked_at IS NULL)) AS oldest_seconds
             FROM outbox`,
        )
        .then((rows) => rows[0])
        .catch(() => undefined)
        .finally(() => setImmediate(() => (this.state = undefined)));
      return this.state;
    };
    metrics.gauge('outbox_backlog_rows', 'Outbox rows waiting to be published', [], async (g) => {
      const s = await read();
      if (s) g.set(Number(s.backlog));
    });
    metrics.gauge(
      'outbox_oldest_row_age_seconds',
      'Age of the oldest outbox row waiting to be published (0 when none)',
      [],
      async (g) => {
        const s = await read();
        if (s) g.set(Number(s.oldest_seconds ?? 0));
      },
    );
    metrics.gauge('outbox_parked_rows', 'Outbox rows the relay gave up on (need a person)', [], async (g) => {
      const s = await read();
      if (s) g.set(Number(s.parked));
    });
  }
}
