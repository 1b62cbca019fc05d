import 'reflect-metadata';
import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { openApiPath, type OpenApiDocument, type OpenApiOperation } from '@therapy-room/platform';
import { startStack, validateOpenApi, type TestStack } from '@therapy-room/testing';
import { AppModule } from '../../src/app.module';
import { routes, type Upstream } from '../../src/proxy/routes';
import { publicPathOf } from '../../src/openapi/public-document';

type Operations = [path: string, method: string, op: OpenApiOperation][];
const operationsOf = (doc: OpenApiDocument): Operations =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => [path, method, op] as Operations[number]),
  );

type ModuleRef =
  | Type<unknown>
  | { module: Type<unknown>; controllers?: Type<unknown>[]; imports?: ModuleRef[] };

/** Every controller of a module and the modules it imports (Nest's module metadata). */
function controllersOf(module: ModuleRef, seen = new Set<unknown>()): Type<unknown>[] {
  if (!module || seen.has(module)) return [];
  seen.add(module);
  const type = typeof module === 'function' ? module : module.module;
  const dynamic: { controllers?: Type<unknown>[]; imports?: ModuleRef[] } =
    typeof module === 'function' ? {} : module;
  const controllers = [
    ...((Reflect.getMetadata('controllers', type) ?? []) as Type<unknown>[]),
    ...(dynamic.controllers ?? []),
  ];
  const imports = [
    ...((Reflect.getMetadata('imports', type) ?? []) as ModuleRef[]),
    ...(dynamic.imports ?? []),
  ];
  return [...controllers, ...imports.flatMap((m) => controllersOf(m, seen))];
}

/** The gateway's own routes under /api (its controllers' metadata), less the catch-all and the docs. */
function gatewayRoutes(): { method: string; path: string }[] {
  return [...new Set(controllersOf(AppModule))].flatMap((controller) => {
    const prefix = Reflect.getMetadata(PATH_METADATA, controller) as string | undefined;
    const proto = controller.prototype as Record<string, object>;
    return Object.getOwnPropertyNames(proto).flatMap((name) => {
      const method = Reflect.getMetadata(METHOD_METADATA, proto[name]) as RequestMethod | undefined;
      const path = Reflect.getMetadata(PATH_METADATA, proto[name]) as string | undefined;
      if (method === undefined || path === undefined || path.includes('*')) return [];
      const full = openApiPath(prefix, path);
      if (full === '/api/docs' || !full.startsWith('/api/')) return [];
      return [{ method: RequestMethod[method].toLowerCase(), path: full }];
    });
  });
}

describe('gateway e2e: the public API as an OpenAPI 3.1 document (GET /api/docs)', () => {
  let stack: TestStack;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    stack = await startStack(
      { OPENAPI_DOCS: 'true' },
      { caseload: true, content: true, messaging: true, audit: true, retention: true },
    );
    const res = await fetch(`${stack.gatewayUrl}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    doc = (await res.json()) as OpenApiDocument;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await expect(validateOpenApi(doc)).resolves.toBeUndefined();
  });

  it('describes every route of the route table and every session route of the gateway', () => {
    const operations = operationsOf(doc);
    for (const route of routes) {
      expect({
        prefix: route.prefix,
        described: operations.some(([path]) => path === route.prefix || path.startsWith(`${route.prefix}/`)),
      }).toEqual({ prefix: route.prefix, described: true });
    }
    const own = gatewayRoutes();
    expect(own.length).toBeGreaterThanOrEqual(10);
    for (const { method, path } of own) {
      expect({ method, path, described: Boolean(doc.paths[path]?.[method as 'get']) }).toEqual({
        method,
        path,
        described: true,
      });
    }
  });

  it('holds every service operation reachable through the gateway, and nothing internal', async () => {
    const services: Record<Upstream, string> = {
      identity: stack.identity.url,
      caseload: stack.caseload!.url,
      content: stack.content!.url,
      messaging: stack.messaging!.url,
      audit: stack.audit!.url,
      retention: stack.retention!.url,
    };
    const own = new Set(gatewayRoutes().map((r) => `${r.method} ${r.path}`));
    let reachable = 0;
    for (const [upstream, url] of Object.entries(services) as [Upstream, string][]) {
      const fragment = (await (await fetch(`${url}/openapi.json`)).json()) as OpenApiDocument;
      for (const [path, method] of operationsOf(fragment)) {
        const reached = publicPathOf(upstream, path);
        if (!reached || own.has(`${method} ${reached.path}`)) continue;
        reachable += 1;
        expect({
          path: reached.path,
          method,
          described: Boolean(doc.paths[reached.path]?.[method as 'get']),
        }).toEqual({
          path: reached.path,
          method,
          described: true,
        });
      }
    }
    expect(reachable).toBeGreaterThan(50);
    const paths = Object.keys(doc.paths);
    expect(paths.filter((p) => !p.startsWith('/api/'))).toEqual([]);
    for (const internal of ['/api/sessions/resolve', '/api/health/ready', '/api/openapi.json']) {
      expect(paths).not.toContain(internal);
    }
  });

  it('documents errors as problem+json on every operation, and the session on every authenticated one', () => {
    for (const [path, method, op] of operationsOf(doc)) {
      // 431 comes from the HTTP server itself (no body): the one error that is not problem+json.
      const errors = Object.entries(op.responses).filter(
        ([status]) => Number(status) >= 400 && status !== '431',
      );
      expect({ path, method, documentsErrors: errors.length >= 2 }).toEqual({
        path,
        method,
        documentsErrors: true,
      });
      for (const [status, response] of errors) {
        expect({ path, method, status, content: Object.keys(response.content ?? {}) }).toEqual({
          path,
          method,
          status,
          content: ['application/problem+json'],
        });
      }
      if (op.security?.length)
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
    }
    expect(doc.paths['/api/me']?.get?.security).toEqual([{ session: [] }]);
    expect(doc.paths['/api/auth/login']?.post?.security).toEqual([]);
    expect(doc.paths['/api/messaging/stream']?.get?.responses['200'].content).toHaveProperty([
      'text/event-stream',
    ]);
  });

  // What Schemathesis found answered and undocumented at first (npm run api:fuzz): each is now part
  // of the contract.
  it.each([
    ['/api/auth/2fa', 'delete', ['401', '409', '429']],
    ['/api/auth/2fa/enrol', 'post', ['409']],
    ['/api/auth/2fa/confirm', 'post', ['401', '409']],
    ['/api/auth/login/second-factor/enrol', 'post', ['401']],
    ['/api/tenant/privacy-statement', 'get', ['404']],
    ['/api/shared-reports/open', 'post', ['404']],
    ['/api/staff-access/grants', 'post', ['404']],
    ['/api/users', 'post', ['409']],
    ['/api/caseload/clients', 'get', ['404', '431']],
    ['/api/messaging/conversations', 'post', ['200', '201', '404']],
    ['/api/auth/sso/callback', 'get', ['431']],
  ])('%s %s documents %j', (path, method, statuses) => {
    expect(Object.keys(doc.paths[path]?.[method as 'get']?.responses ?? {})).toEqual(
      expect.arrayContaining(statuses),
    );
  });

  it('takes the session routes’ input from identity and answers with cookies, never a token', () => {
    const login = doc.paths['/api/auth/login']!.post!;
    expect(login.requestBody?.content['application/json'].schema).toEqual(
      expect.objectContaining({
        required: ['organisation', 'email', 'password'],
        additionalProperties: false,
      }),
    );
    expect(login.responses['200'].headers).toHaveProperty('set-cookie');
    expect(JSON.stringify(login.responses['200'])).not.toContain('"token"');
    const callback = doc.paths['/api/auth/sso/callback']!.get!;
    expect(callback.parameters?.map((p) => p.name).sort()).toEqual(['code', 'error', 'iss', 'state']);
    expect(callback.responses['303'].headers).toHaveProperty('location');
  });

  it('is not served unless OPENAPI_DOCS is on: the generic 404 of an unknown route', async () => {
    const gateway = await stack.startExtraGateway({ OPENAPI_DOCS: 'false' });
    const res = await fetch(`${gateway.url}/api/docs`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    // The services' own fragments are internal: the gateway serves none of its own.
    expect((await fetch(`${gateway.url}/openapi.json`)).status).toBe(404);
  });
});
