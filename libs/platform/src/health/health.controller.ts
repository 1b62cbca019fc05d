import { Controller, Get, Optional } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { withTimeout } from './kafka-reachability';

/**
 * Liveness says the process works; readiness says it can serve: its database answers. Kafka is not
 * part of readiness (the outbox keeps the write path working while it is down): its state is the
 * kafka_up metric (KafkaReachability), watched by an alert.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Optional() private readonly dataSource?: DataSource,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    const dataSource = this.dataSource;
    return this.health.check(
      dataSource ? [() => this.check('database', () => dataSource.query('SELECT 1'))] : [],
    );
  }

  private async check(key: string, probe: () => Promise<unknown>) {
    const indicator = this.indicator.check(key);
    try {
      await withTimeout(probe(), 2000);
      return indicator.up();
    } catch (err) {
      return indicator.down({ message: (err as Error).message });
    }
  }
}
