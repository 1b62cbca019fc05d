import { Controller, Get, Inject, Optional, Res, ServiceUnavailableException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
} from '@nestjs/terminus';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { PLATFORM_LOGGER } from '../logging/logger.module';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem';
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
 *
 * Not ready is a 503 (problem+json naming no detail). Before the service was first ready that is how
 * starting looks (e.g. the gateway loading its organisation directory): one info line. Readiness lost
 * after that is an error line, once per loss.
 */
@Controller('health')
export class HealthController {
  private state: 'starting' | 'waiting' | 'ready' | 'lost' = 'starting';

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly moduleRef: ModuleRef,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
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
  async ready(@Res({ passthrough: true }) res: Response) {
    const dataSource = this.dataSource;
    const probe = this.serviceProbe();
    try {
      const result = await this.health.check([
        ...(dataSource ? [() => this.check('database', () => dataSource.query('SELECT 1'))] : []),
        ...(probe ? [() => this.check(probe.readinessKey, () => probe.checkReady())] : []),
      ]);
      this.state = 'ready';
      return result;
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const { details } = err.getResponse() as HealthCheckResult;
      if (this.state === 'ready') this.logger.error({ details }, 'readiness lost');
      if (this.state === 'starting') this.logger.info({ details }, 'not ready yet');
      if (this.state === 'ready') this.state = 'lost';
      if (this.state === 'starting') this.state = 'waiting';
      res.status(503).type(PROBLEM_CONTENT_TYPE);
      return { type: 'about:blank', title: 'Service Unavailable', status: 503 };
    }
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
