import { Test } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import { PLATFORM_LOGGER } from '../logging/logger.module';
import { HealthController, READINESS_PROBE, type ReadinessProbe } from './health.controller';

describe('readiness', () => {
  let app: INestApplication;
  let ready = false;
  const lines: { level: string; msg: string }[] = [];
  const logger = {
    info: (_: unknown, msg: string) => lines.push({ level: 'info', msg }),
    error: (_: unknown, msg: string) => lines.push({ level: 'error', msg }),
  };
  const probe: ReadinessProbe = {
    readinessKey: 'directory',
    checkReady: async () => {
      if (!ready) throw new Error('still loading');
    },
  };

  beforeAll(async () => {
    const module = await Test.createTestingModule({
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        { provide: PLATFORM_LOGGER, useValue: logger },
        { provide: READINESS_PROBE, useValue: probe },
      ],
    }).compile();
    app = module.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(() => app.close());

  it('answers 503 while starting with one info line, 200 once ready, and an error line once per loss', async () => {
    const starting = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(starting.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(starting.body).toEqual({ type: 'about:blank', title: 'Service Unavailable', status: 503 });
    await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(lines).toEqual([{ level: 'info', msg: 'not ready yet' }]);

    ready = true;
    const up = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(up.body).toMatchObject({ status: 'ok', info: { directory: { status: 'up' } } });

    ready = false;
    await request(app.getHttpServer()).get('/health/ready').expect(503);
    await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(lines.slice(1)).toEqual([{ level: 'error', msg: 'readiness lost' }]);
  });
});
