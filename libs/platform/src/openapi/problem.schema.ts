import { z } from 'zod';

/**
 * The one error body (RFC 9457 problem details, errors/problem.ts) as a schema for the OpenAPI
 * document. Open to further members: a problem may carry more (e.g. privacyStatementVersion).
 */
export const problemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.int().min(400).max(599),
  detail: z.string().optional(),
  code: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  requestId: z.string().optional(),
  traceId: z.string().optional(),
});

export const PROBLEM_REF = '#/components/schemas/Problem';
