import type { z } from 'zod';

/** What a route answers, for the OpenAPI document (libs/platform/src/openapi). */
export interface DeclaredResponse {
  status: number;
  /** The body's schema (its output side); none for an empty answer or a stream. */
  schema?: z.ZodType;
  /** application/json unless said otherwise (e.g. text/event-stream). */
  contentType?: string;
  description?: string;
}

/** Input a route parses itself (not through a parameter pipe), so the document still knows it. */
export interface DeclaredInput {
  in: 'body' | 'query' | 'params';
  schema: z.ZodType;
}

export const API_RESPONSES = 'therapy-room:api-responses';
export const API_ERRORS = 'therapy-room:api-errors';
export const API_INPUTS = 'therapy-room:api-inputs';

const append = <T>(key: string, value: T): MethodDecorator => {
  return (target, propertyKey) => {
    const list = (Reflect.getMetadata(key, target, propertyKey) as T[] | undefined) ?? [];
    Reflect.defineMetadata(key, [...list, value], target, propertyKey);
  };
};

/**
 * Declares the success answer of a route: `@ApiResponse(200, userViewSchema)`. The schema is the
 * contract the fuzzer checks answers against, so it describes what the route really returns.
 */
export function ApiResponse(
  status: number,
  schema?: z.ZodType,
  options: { contentType?: string; description?: string } = {},
): MethodDecorator {
  return append<DeclaredResponse>(API_RESPONSES, { status, schema, ...options });
}

/**
 * Error statuses this route answers beyond the ones every route documents (400 for input, 404 for a
 * path parameter): each is an application/problem+json answer.
 */
export function ApiErrors(...statuses: number[]): MethodDecorator {
  return (target, propertyKey) => {
    for (const status of statuses) append<number>(API_ERRORS, status)(target, propertyKey, {} as never);
  };
}

/** Input parsed inside the handler (e.g. with a schema built from configuration). */
export function ApiInput(where: DeclaredInput['in'], schema: z.ZodType): MethodDecorator {
  return append<DeclaredInput>(API_INPUTS, { in: where, schema });
}
