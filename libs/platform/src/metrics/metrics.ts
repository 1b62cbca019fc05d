import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { z } from 'zod';
import { PLATFORM_CONFIG, type BaseConfig } from '../config/config';

/** Every metric of ours starts with this (process and Node.js metrics keep prom-client's names). */
export const METRIC_PREFIX = 'therapy_room_';

const metricsPort = z.coerce.number().int().min(0).max(65535).optional();

/**
 * The service's Prometheus metrics: one registry per application (tests run several in one process),
 * labelled with service and region, served on its own port (METRICS_PORT, path /metrics) so scraping
 * never goes through the public entry or the gateway's routes. Without METRICS_PORT nothing listens.
 * Labels are identifiers from code (route templates, topics, actions), never values from a request.
 */
@Injectable()
export class Metrics implements OnApplicationShutdown {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly deadLettered: Counter<'topic' | 'reason'>;
  readonly auditEntries: Counter<'action' | 'outcome'>;
  /**
   * A service may name routes more finely than their template, from a fixed set of its own (the
   * gateway names its catch-all's requests by the proxied route's prefix); undefined keeps the template.
   */
  routeName?: (req: Request, template: string) => string | undefined;
  private server?: Server;

  constructor(@Inject(PLATFORM_CONFIG) config: BaseConfig) {
    this.registry.setDefaultLabels({ service: config.SERVICE_NAME, region: config.REGION });
    collectDefaultMetrics({ register: this.registry });
    this.httpRequests = this.counter('http_requests_total', 'HTTP requests answered, by route template', [
      'method',
      'route',
      'status',
    ]);
    this.httpDuration = new Histogram({
      name: `${METRIC_PREFIX}http_request_duration_seconds`,
      help: 'Time to answer an HTTP request, by route template',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.deadLettered = this.counter(
      'dlq_events_total',
      'Events this process sent to a dead-letter topic, by consumed topic',
      ['topic', 'reason'],
    );
    this.auditEntries = this.counter(
      'audit_entries_total',
      'Audit entries recorded, by action and outcome (e.g. auth.login failure, throttled, locked)',
      ['action', 'outcome'],
    );
  }

  /** A counter of this service (name without the prefix); the same name returns the same counter. */
  counter<L extends string>(name: string, help: string, labelNames: L[] = []): Counter<L> {
    const existing = this.registry.getSingleMetric(`${METRIC_PREFIX}${name}`);
    if (existing) return existing as Counter<L>;
    return new Counter({ name: `${METRIC_PREFIX}${name}`, help, labelNames, registers: [this.registry] });
  }

  /** A gauge whose value is computed at scrape time by `collect`. */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: L[],
    collect: (gauge: Gauge<L>) => Promise<void> | void,
  ): Gauge<L> {
    return new Gauge({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        await collect(this);
      },
    });
  }

  /** Serves GET /metrics on METRICS_PORT (if set); returns the port, or undefined when not serving. */
  async listen(host: string, env: NodeJS.ProcessEnv = process.env): Promise<number | undefined> {
    const port = metricsPort.parse(env.METRICS_PORT === '' ? undefined : env.METRICS_PORT);
    if (port === undefined) return undefined;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      this.registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(body),
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  async onApplicationShutdown() {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}
