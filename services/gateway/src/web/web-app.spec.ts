import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { securityHeaders } from '../security/security-headers';
import { requestTargetCheck } from '../proxy/request-target.middleware';
import { WEB_CONTENT_SECURITY_POLICY, webApp } from './web-app';

describe('the browser app served by the gateway', () => {
  let root: string;
  let app: express.Express;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'web-app-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(
      join(root, 'index.html'),
      '<!doctype html><script type="module" src="/assets/a.js"></script>',
    );
    writeFileSync(join(root, 'assets', 'a-1234.js'), 'console.log(1)');
    writeFileSync(join(root, 'favicon.svg'), '<svg/>');
    writeFileSync(join(root, 'secret.env'), 'NOT=served');
    app = express();
    // In the gateway's order (PlatformModule's httpMiddleware), then what the API would answer.
    app.use(securityHeaders, webApp(root), requestTargetCheck);
    app.use((_req: express.Request, res: express.Response) => res.status(204).end());
    app.use(
      (err: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) =>
        res.status(err.status ?? 500).end(),
    );
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('serves the page at / and at any app path, with the strict policy and the other headers kept', async () => {
    for (const path of ['/', '/login', '/clients/7a1b2c3d', '/activate?token=abc']) {
      const res = await request(app).get(path);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.text).toContain('<!doctype html>');
      expect(res.headers['content-security-policy']).toBe(WEB_CONTENT_SECURITY_POLICY);
      expect(res.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('serves hashed assets for a year and known file types only', async () => {
    const asset = await request(app).get('/assets/a-1234.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect((await request(app).get('/favicon.svg')).headers['content-type']).toBe('image/svg+xml');
    expect((await request(app).get('/secret.env')).status).toBe(404);
    expect((await request(app).get('/assets/missing.js')).status).toBe(404);
  });

  it('leaves the API, health checks, other methods and ambiguous paths to the gateway', async () => {
    expect((await request(app).get('/api/me')).status).toBe(204);
    expect((await request(app).get('/health/live')).status).toBe(204);
    expect(
      (await request(app).post('/login').set('content-type', 'application/json').send('{}')).status,
    ).toBe(404);
    for (const path of [
      '/assets/%2e%2e/secret.env',
      '/assets/../secret.env',
      '/%2e%2e/etc/passwd',
      '//index.html',
    ]) {
      const res = await request(app).get(path);
      expect(res.status).toBe(400);
      expect(res.text).not.toContain('NOT=served');
    }
  });

  it('without WEB_ROOT every path outside the API stays 404', async () => {
    const bare = express();
    bare.use(securityHeaders, webApp(undefined), requestTargetCheck);
    bare.use(
      (err: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) =>
        res.status(err.status ?? 500).end(),
    );
    expect((await request(bare).get('/')).status).toBe(404);
    expect((await request(bare).get('/login')).status).toBe(404);
  });
});
