import { Controller, Get, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { withTimeout } from './kafka-reachability';

/**
 * A service's own readiness condition besides its database, provided under this token (e.g. the
 * gateway, which has no database, is ready once its organisation directory is loaded).
 */
export const READINESS_PROBE = Symbol('READINESS_PROBE');
export interface ReadinessProbe {
  readonly readinessKey: string;
  /** Resolves when ready; rejects (with a message naming no one) when not. */
  checkReady(): Promise<void>;
}

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
    private readonly moduleRef: ModuleRef,
    @Optional() private readonly dataSource?: DataSource,
  ) {}

  private serviceProbe(): ReadinessProbe | undefined {
    try {
      return this.moduleRef.get<ReadinessProbe>(READINESS_PROBE, { strict: false });
    } catch {
      return undefined;
    }
  }

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    const dataSource = this.dataSource;
    const probe = this.serviceProbe();
    return this.health.check([
      ...(dataSource ? [() => this.check('database', () => dataSource.query('SELECT 1'))] : []),
      ...(probe ? [() => this.check(probe.readinessKey, () => probe.checkReady())] : []),
    ]);
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
