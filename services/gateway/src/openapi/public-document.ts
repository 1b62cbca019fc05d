import {
  problemResponse,
  toJsonSchema,
  type HttpMethod,
  type JsonSchema,
  type OpenApiDocument,
  type OpenApiOperation,
  type OpenApiParameter,
  type OpenApiResponse,
} from '@therapy-room/platform';
import { SESSION_COOKIE } from '../gateway.config';
import { routes, type Route, type Upstream } from '../proxy/routes';
import { sessionRoutes, type SessionRoute } from './session-routes.openapi';

export type Fragments = Record<Upstream, OpenApiDocument>;

const SECURITY = [{ session: [] }];
const setCookie = {
  'set-cookie': {
    description: `${SESSION_COOKIE}: the session (HttpOnly, Secure, SameSite=Strict); never in the body`,
    schema: { type: 'string' },
  },
};

/** The public route through which a service path is reached, and the public path; none if unreachable. */
export function publicPathOf(
  upstream: Upstream,
  servicePath: string,
): { route: Route; path: string } | undefined {
  for (const route of routes) {
    if (route.upstream !== upstream) continue;
    if (servicePath === route.target || servicePath.startsWith(`${route.target}/`)) {
      const path = route.prefix + servicePath.slice(route.target.length);
      // The gateway takes the first route whose prefix matches: the path must come back to this one.
      const first = routes.find((r) => path === r.prefix || path.startsWith(`${r.prefix}/`));
      return first === route ? { route, path } : undefined;
    }
  }
  return undefined;
}

const HOME_REGION_REDIRECT_RESPONSE: OpenApiResponse = {
  description: "The organisation lives in another region: the same request at that region's base URL",
  headers: { location: { description: "the organisation's home region", schema: { type: 'string' } } },
};

/**
 * The forwarded operations whose body names an organisation (residency-route.ts), answered by residency
 * routing before identity or content sees them when it is another region's.
 */
const ROUTED_BY_BODY = new Set([
  'post /api/auth/password-reset/request',
  'post /api/auth/password-reset/confirm',
  'post /api/auth/activate',
  'post /api/shared-reports/open',
]);

const hasQuery = (op: OpenApiOperation) => Boolean(op.parameters?.some((p) => p.in === 'query'));

/** The errors the gateway itself may answer for a route, beside the service's. */
function gatewayErrors(op: OpenApiOperation, authenticated: boolean): number[] {
  const errors = [400, 503];
  if (authenticated) errors.push(401, 403);
  if (op.requestBody) errors.push(413, 415);
  return errors;
}

/**
 * A request line or headers past Node's limit (16 KiB) are refused by the HTTP server itself, before
 * the application: 431 without a body. Only a long query string can get there on a documented route.
 */
const HEADERS_TOO_LARGE: OpenApiResponse = {
  description: 'The request line or headers are too large (answered by the HTTP server, without a body)',
};

function withErrors(responses: Record<string, OpenApiResponse>, statuses: number[], query = false) {
  const all = { ...responses };
  for (const status of statuses) all[String(status)] ??= problemResponse(status);
  if (query) all['431'] = HEADERS_TOO_LARGE;
  return Object.fromEntries(Object.entries(all).sort(([a], [b]) => Number(a) - Number(b)));
}

function forwarded(upstream: Upstream, route: Route, op: OpenApiOperation): OpenApiOperation {
  const authenticated = !route.public;
  return {
    ...op,
    operationId: `${upstream}.${op.operationId}`,
    tags: [upstream],
    ...(authenticated ? { security: SECURITY } : { security: [] }),
    responses: withErrors(op.responses, gatewayErrors(op, authenticated), hasQuery(op)),
  };
}

function sessionOperation(route: SessionRoute, identity: OpenApiDocument): OpenApiOperation {
  const source = identity.paths[route.identity.path]?.[route.identity.method];
  if (!source) {
    throw new Error(
      `${route.method} ${route.path}: identity has no ${route.identity.method} ${route.identity.path}`,
    );
  }
  const parameters: OpenApiParameter[] = [...(source.parameters ?? [])];
  const body = source.requestBody?.content['application/json']?.schema;
  let requestBody = source.requestBody;
  const input = route.input;
  if (input && 'none' in input) requestBody = undefined;
  if (input && 'bodyAsQuery' in input && body) {
    requestBody = undefined;
    const required = new Set((body.required ?? []) as string[]);
    for (const [name, schema] of Object.entries((body.properties ?? {}) as Record<string, JsonSchema>)) {
      if (input.bodyAsQuery.omit.includes(name)) continue;
      parameters.push({ name, in: 'query', required: required.has(name), schema });
    }
  }
  if (input && 'bodyPropertyAsPathParameter' in input && body) {
    requestBody = undefined;
    const { property, parameter } = input.bodyPropertyAsPathParameter;
    const schema = ((body.properties ?? {}) as Record<string, JsonSchema>)[property] ?? { type: 'string' };
    parameters.push({ name: parameter, in: 'path', required: true, schema });
  }
  const responses: Record<string, OpenApiResponse> = {};
  for (const [status, answer] of Object.entries(route.answers)) {
    if (answer.fromIdentity && source.responses[status]) {
      responses[status] = source.responses[status];
      continue;
    }
    responses[status] = {
      description: answer.description,
      ...(answer.setsSession || answer.redirect
        ? {
            headers: {
              ...(answer.setsSession ? setCookie : {}),
              ...(answer.redirect
                ? { location: { description: answer.redirect, schema: { type: 'string' } } }
                : {}),
            },
          }
        : {}),
      ...(answer.schema
        ? { content: { 'application/json': { schema: toJsonSchema(answer.schema, 'output') } } }
        : {}),
    };
  }
  const op: OpenApiOperation = {
    operationId: `gateway.${route.identity.path.replace(/[{}]/g, '').split('/').filter(Boolean).join('.')}`,
    summary: route.summary,
    tags: ['session'],
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
    security: route.authenticated ? SECURITY : [],
  };
  const identityErrors = Object.keys(source.responses)
    .map(Number)
    .filter((s) => s >= 400 && (!(input && 'none' in input) || s !== 400));
  op.responses = withErrors(
    responses,
    [...gatewayErrors(op, route.authenticated), ...identityErrors, ...route.errors],
    hasQuery(op),
  );
  return op;
}

/**
 * The public API: every service route reachable through the gateway's route table, under its public
 * path, plus the gateway's own session routes, each with the errors the gateway adds (problem+json).
 * Built from the services' fragments (GET /openapi.json, generated from the zod schemas that
 * validate requests), so nothing here restates a schema.
 */
export function assemblePublicDocument(fragments: Fragments, version: string): OpenApiDocument {
  const doc: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: 'Therapy Room public API',
      version,
      description:
        'Every route the gateway exposes under /api. Sessions are the HttpOnly cookie ' +
        `${SESSION_COOKIE}; state-changing requests must be application/json and not cross-site. ` +
        'Errors are application/problem+json (RFC 9457) with field-level errors.',
    },
    paths: {},
    components: {
      schemas: { Problem: fragments.identity.components.schemas.Problem },
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } },
    },
    tags: [
      { name: 'session', description: "The gateway's session routes (cookies, redirects)" },
      ...(Object.keys(fragments) as Upstream[]).map((name) => ({ name })),
    ],
  };
  const own = new Set(sessionRoutes.map((r) => `${r.method} ${r.path}`));
  for (const [upstream, fragment] of Object.entries(fragments) as [Upstream, OpenApiDocument][]) {
    for (const [servicePath, item] of Object.entries(fragment.paths)) {
      const reached = publicPathOf(upstream, servicePath);
      if (!reached) continue;
      for (const [method, op] of Object.entries(item) as [HttpMethod, OpenApiOperation][]) {
        if (own.has(`${method} ${reached.path}`)) continue;
        const operation = forwarded(upstream, reached.route, op);
        // Residency routing (ResidencyRoutingMiddleware) answers these before identity sees them.
        if (ROUTED_BY_BODY.has(`${method} ${reached.path}`)) {
          operation.responses = withErrors({ ...operation.responses, 307: HOME_REGION_REDIRECT_RESPONSE }, [
            421,
          ]);
        }
        doc.paths[reached.path] = { ...doc.paths[reached.path], [method]: operation };
      }
    }
  }
  for (const route of sessionRoutes) {
    doc.paths[route.path] = {
      ...doc.paths[route.path],
      [route.method]: sessionOperation(route, fragments.identity),
    };
  }
  doc.paths = Object.fromEntries(Object.entries(doc.paths).sort(([a], [b]) => a.localeCompare(b)));
  return doc;
}
