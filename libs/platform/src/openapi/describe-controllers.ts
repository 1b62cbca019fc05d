import { RequestMethod, type Type } from '@nestjs/common';
import {
  HTTP_CODE_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { z } from 'zod';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import {
  API_ERRORS,
  API_INPUTS,
  API_RESPONSES,
  type DeclaredInput,
  type DeclaredResponse,
} from './api-response.decorator';
import { objectProperties, toJsonSchema } from './json-schema';
import type {
  HttpMethod,
  JsonSchema,
  OpenApiDocument,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiResponse,
} from './openapi-types';
import { PROBLEM_REF, problemSchema } from './problem.schema';

const methods: Partial<Record<RequestMethod, HttpMethod>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.DELETE]: 'delete',
  [RequestMethod.PATCH]: 'patch',
};

const reasons: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  303: 'See Other',
  400: 'The request is not valid (field-level errors)',
  401: 'No valid session',
  403: 'Not allowed for this actor',
  404: 'Not found',
  409: 'Conflicts with the current state',
  410: 'Gone',
  413: 'The body is too large',
  415: 'The body is not JSON',
  422: 'Not processable in the current state',
  429: 'Too many attempts (see Retry-After)',
  503: 'Temporarily unavailable',
};

/** An error answer: the platform's problem+json body. */
export const problemResponse = (status: number): OpenApiResponse => ({
  description: reasons[status] ?? 'Error',
  content: { 'application/problem+json': { schema: { $ref: PROBLEM_REF } } },
});

/** Nest's path pieces as one OpenAPI path: `users/:id` under `api` → `/api/users/{id}`. */
export function openApiPath(...pieces: (string | undefined)[]): string {
  const joined = `/${pieces
    .filter((p): p is string => !!p)
    .join('/')
    .split('/')
    .filter(Boolean)
    .join('/')}`;
  return joined.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** The zod schema behind a parameter's ZodValidationPipe, if it has one. */
function schemaOf(pipes: unknown[] | undefined): z.ZodType | undefined {
  const pipe = pipes?.find((p): p is ZodValidationPipe<z.ZodType> => p instanceof ZodValidationPipe);
  return pipe ? (Reflect.get(pipe, 'schema') as z.ZodType) : undefined;
}

interface RouteArg {
  index: number;
  data?: unknown;
  pipes?: unknown[];
}

/** The inputs a handler declares: `@Body/@Query/@Param(new ZodValidationPipe(schema))`, and `@ApiInput`. */
function inputsOf(controller: Type<unknown>, handler: string): DeclaredInput[] {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler) ?? {}) as Record<
    string,
    RouteArg
  >;
  const kinds: Partial<Record<RouteParamtypes, DeclaredInput['in']>> = {
    [RouteParamtypes.BODY]: 'body',
    [RouteParamtypes.QUERY]: 'query',
    [RouteParamtypes.PARAM]: 'params',
  };
  const inputs: (DeclaredInput & { name?: string })[] = [];
  for (const [key, arg] of Object.entries(args)) {
    const kind = kinds[Number(key.split(':')[0]) as RouteParamtypes];
    const schema = schemaOf(arg.pipes);
    if (!kind || !schema) continue;
    inputs.push({ in: kind, schema, name: typeof arg.data === 'string' ? arg.data : undefined });
  }
  const declared = (Reflect.getMetadata(API_INPUTS, controller.prototype, handler) ?? []) as DeclaredInput[];
  return [...inputs, ...declared];
}

function parametersOf(where: 'query' | 'path', input: DeclaredInput & { name?: string }): OpenApiParameter[] {
  const json = toJsonSchema(input.schema, 'input');
  if (input.name) return [{ name: input.name, in: where, required: where === 'path', schema: json }];
  return objectProperties(json).map((p) => ({
    name: p.name,
    in: where,
    required: where === 'path' || p.required,
    schema: p.schema,
  }));
}

/** The success answers a handler declares, else its status with an undescribed JSON body. */
function successOf(controller: Type<unknown>, handler: string, method: HttpMethod) {
  const declared = (Reflect.getMetadata(API_RESPONSES, controller.prototype, handler) ??
    []) as DeclaredResponse[];
  const fixed = Reflect.getMetadata(HTTP_CODE_METADATA, controller.prototype[handler] as object) as
    | number
    | undefined;
  const status = fixed ?? (method === 'post' ? 201 : 200);
  const responses: Record<string, OpenApiResponse> = {};
  const list: DeclaredResponse[] = declared.length ? declared : [{ status }];
  for (const r of list) {
    const contentType = r.contentType ?? 'application/json';
    responses[String(r.status)] =
      r.status === 204 || (r.status >= 300 && r.status < 400)
        ? { description: r.description ?? reasons[r.status] ?? 'Success' }
        : {
            description: r.description ?? reasons[r.status] ?? 'Success',
            content: {
              [contentType]: r.schema ? { schema: toJsonSchema(r.schema, 'output') } : {},
            },
          };
  }
  return responses;
}

/**
 * The routes of some controllers as an OpenAPI 3.1 document: paths and methods from Nest's route
 * metadata, parameters and bodies from the same zod schemas that validate them (the
 * ZodValidationPipe on each parameter), answers from `@ApiResponse`, errors as problem+json.
 * Wildcard routes (a catch-all) are not described.
 */
export function describeControllers(
  controllers: Type<unknown>[],
  info: { title: string; version?: string },
): OpenApiDocument {
  const doc: OpenApiDocument = {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version ?? '1' },
    paths: {},
    components: { schemas: { Problem: toJsonSchema(problemSchema, 'output') } },
  };
  for (const controller of controllers) {
    const prefixes = [Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined]
      .flat()
      .map((p) => p ?? '');
    const proto = controller.prototype as Record<string, unknown>;
    for (const handler of Object.getOwnPropertyNames(proto)) {
      if (handler === 'constructor' || typeof proto[handler] !== 'function') continue;
      const fn = proto[handler] as object;
      const requestMethod = Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod | undefined;
      const routePath = Reflect.getMetadata(PATH_METADATA, fn) as string | string[] | undefined;
      if (requestMethod === undefined || routePath === undefined) continue;
      const method = methods[requestMethod];
      if (!method) continue;
      for (const prefix of prefixes) {
        for (const piece of [routePath].flat()) {
          if (piece.includes('*')) continue;
          const path = openApiPath(prefix, piece);
          const operation = describeOperation(controller, handler, method, path);
          doc.paths[path] = { ...doc.paths[path], [method]: operation };
        }
      }
    }
  }
  return doc;
}

function describeOperation(
  controller: Type<unknown>,
  handler: string,
  method: HttpMethod,
  path: string,
): OpenApiOperation {
  const inputs = inputsOf(controller, handler);
  const parameters: OpenApiParameter[] = [];
  let body: JsonSchema | undefined;
  for (const input of inputs) {
    if (input.in === 'body') body = toJsonSchema(input.schema, 'input');
    else parameters.push(...parametersOf(input.in === 'params' ? 'path' : 'query', input));
  }
  // Every {name} in the path is a parameter, described by a schema or else as a plain string.
  for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
    if (!parameters.some((p) => p.in === 'path' && p.name === name)) {
      parameters.push({ name, in: 'path', required: true, schema: { type: 'string' } });
    }
  }
  const errors = new Set<number>(
    (Reflect.getMetadata(API_ERRORS, controller.prototype, handler) ?? []) as number[],
  );
  if (inputs.length) errors.add(400);
  if (parameters.some((p) => p.in === 'path')) errors.add(404);
  const responses = successOf(controller, handler, method);
  for (const status of [...errors].sort()) responses[String(status)] = problemResponse(status);
  return {
    operationId: `${controller.name.replace(/Controller$/, '')}.${handler}`,
    ...(parameters.length ? { parameters } : {}),
    ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
    responses,
  };
}
