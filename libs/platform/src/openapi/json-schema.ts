import { z } from 'zod';
import type { JsonSchema } from './openapi-types';

/**
 * A zod schema as a JSON Schema (2020-12, OpenAPI 3.1's dialect) with zod 4's own converter:
 * `input` for what a route accepts (before defaults and coercion), `output` for what it answers.
 * Schemas are inlined (reused: 'inline'); a recursive one would need `$defs`, which resolve against
 * the document root once the fragment moves into the public document, so it is refused here.
 */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    reused: 'inline',
  }) as JsonSchema;
  delete json.$schema;
  if (json.$defs) throw new Error('recursive schemas cannot be described in the OpenAPI document');
  return json;
}

/** An object schema's properties as separate parameters (query and path parameters). */
export function objectProperties(
  schema: JsonSchema,
): { name: string; schema: JsonSchema; required: boolean }[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    schema: property,
    required: required.has(name),
  }));
}
