import { randomUUID } from 'node:crypto';
import { startStack, type TestStack } from '@therapy-room/testing';
import type { ServiceProcess } from '@therapy-room/tools-dev';

/** The port a service process reports for its metrics server (METRICS_PORT=0: any free port). */
function metricsPortOf(service: ServiceProcess): number {
  for (const line of service.logs) {
    try {
      const entry = JSON.parse(line) as { metricsPort?: number };
      if (typeof entry.metricsPort === 'number') return entry.metricsPort;
    } catch {
      // not a JSON log line
    }
  }
  throw new Error(`${service.name} logged no metrics port:\n${service.logs.slice(-10).join('\n')}`);
}

async function scrape(service: ServiceProcess): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${metricsPortOf(service)}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
}

/** Sum of the samples named `name` that carry every label given (undefined when there is none). */
function total(text: string, name: string, labels: Record<string, string>): number | undefined {
  const lines = text
    .split('\n')
    .filter(
      (l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
    );
  if (lines.length === 0) return undefined;
  return lines.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * Identity and the gateway as real processes, each serving /metrics on its own port (not the service
 * port): HTTP by route template, login failures, session cache hits, outbox and Kafka state.
 */
describe('metrics of real services', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack({ METRICS_PORT: '0', LOG_LEVEL: 'info' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('serves Prometheus metrics on METRICS_PORT, labelled by route template, never by raw path', async () => {
    const tenant = await stack.createTenant();
    const wrong = await fetch(`${stack.gatewayUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        organisation: tenant.slug,
        email: tenant.adminEmail,
        password: 'not-it-at-all',
      }),
    });
    expect(wrong.status).toBe(401);
    const { cookie } = await stack.loginAs(tenant);
    for (let i = 0; i < 3; i++) {
      const me = await fetch(`${stack.gatewayUrl}/api/me?probe=${randomUUID()}`, { headers: { cookie } });
      expect(me.status).toBe(200);
    }

    // The service port does not serve them.
    expect((await fetch(`${stack.identityUrl}/metrics`)).status).toBe(404);

    const identity = await scrape(stack.identity);
    expect(
      total(identity, 'therapy_room_http_requests_total', {
        route: '/auth/login',
        method: 'POST',
        status: '401',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      total(identity, 'therapy_room_audit_entries_total', { action: 'auth.login', outcome: 'failure' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      total(identity, 'therapy_room_http_request_duration_seconds_count', { route: '/auth/login' }),
    ).toBeGreaterThanOrEqual(2);
    expect(identity).toMatch(/^therapy_room_kafka_up\{service="identity",region="eea"\} 1$/m);
    expect(identity).toMatch(/^therapy_room_outbox_backlog_rows\{[^}]*\} \d+$/m);
    expect(identity).toMatch(/^therapy_room_outbox_oldest_row_age_seconds\{[^}]*\} [\d.]+$/m);
    expect(identity).toMatch(/^therapy_room_outbox_parked_rows\{[^}]*\} 0$/m);
    expect(identity).toMatch(
      /^therapy_room_kafka_consumer_lag\{topic="[a-z.0-9-]+",group="[^"]+"[^}]*\} \d+$/m,
    );
    expect(identity).toMatch(/^therapy_room_dlq_messages\{topic="[a-z.0-9-]+"[^}]*\} 0$/m);
    expect(identity).toMatch(/^process_cpu_seconds_total\{/m);

    const gateway = await scrape(stack.gateway);
    expect(
      total(gateway, 'therapy_room_gateway_session_cache_lookups_total', { result: 'hit' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      total(gateway, 'therapy_room_http_requests_total', {
        method: 'GET',
        route: '/api/me/*',
        status: '200',
      }),
    ).toBe(3);

    // No label carries an id or a query string: routes are templates.
    for (const text of [identity, gateway]) {
      const routes = [...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1]);
      expect(routes.length).toBeGreaterThan(0);
      for (const route of routes) {
        expect(route).not.toMatch(uuid);
        expect(route).not.toContain('?');
      }
    }
  });
});
