import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { Metrics } from '@therapy-room/platform';
import { RequestsRepository } from '../requests/requests.repository';

/** The saga's Prometheus metrics: requests marked stuck (counter and current number), re-sends. */
@Injectable()
export class SagaMetrics {
  readonly stuck: Counter<'kind'>;
  readonly resent: Counter<'kind'>;

  constructor(metrics: Metrics, requests: RequestsRepository) {
    this.stuck = metrics.counter(
      'retention_requests_stuck_total',
      'Requests marked stuck: a participant did not confirm after the allowed attempts',
      ['kind'],
    );
    this.resent = metrics.counter(
      'retention_requests_resent_total',
      'Requests sent again to participants that had not confirmed within the timeout',
      ['kind'],
    );
    metrics.gauge('retention_requests_stuck', 'Running requests marked stuck right now', [], async (g) =>
      g.set(await requests.countStuck()),
    );
  }
}
