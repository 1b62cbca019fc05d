import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import type { Kafka } from 'kafkajs';
import { KAFKA } from '../kafka/kafka.module';

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref(),
    ),
  ]);

/** Liveness says the process works; readiness says it can serve: its database and Kafka answer. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(KAFKA) private readonly kafka: Kafka,
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
    const checks = [() => this.check('kafka', () => this.kafkaReachable())];
    const dataSource = this.dataSource;
    if (dataSource) checks.push(() => this.check('database', () => dataSource.query('SELECT 1')));
    return this.health.check(checks);
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

  private async kafkaReachable() {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.describeCluster();
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
