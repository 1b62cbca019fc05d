import 'reflect-metadata';
import { All, Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import { ApiErrors, ApiInput, ApiResponse } from './api-response.decorator';
import { describeControllers, openApiPath } from './describe-controllers';

const thingParams = z.object({ thingId: z.uuid() }).strict();
const createThing = z.object({ name: z.string().min(1).max(50), size: z.int().optional() }).strict();
const listQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(100).default(20), q: z.string().optional() })
  .strict();
const thingView = z.object({ id: z.uuid(), name: z.string(), createdAt: z.iso.datetime() });
const pagedQuery = z.object({ page: z.coerce.number().int().min(1) }).strict();

@Controller('things')
class ThingsController {
  @Get()
  list(@Query(new ZodValidationPipe(listQuery)) _query: unknown) {}

  @Post()
  @ApiResponse(201, thingView)
  @ApiErrors(409)
  create(@Body(new ZodValidationPipe(createThing)) _body: unknown) {}

  @Get(':thingId')
  @ApiResponse(200, thingView)
  get(@Param(new ZodValidationPipe(thingParams)) _params: unknown) {}

  @Delete(':thingId/parts/:partId')
  @HttpCode(204)
  removePart(@Param('partId', new ZodValidationPipe(z.uuid())) _partId: string) {}

  /** Parses its query itself (a schema built from configuration): declared for the document. */
  @Get('paged/all')
  @ApiInput('query', pagedQuery)
  paged(@Query() _query: unknown) {}

  @Get('events')
  @ApiResponse(200, undefined, { contentType: 'text/event-stream' })
  events() {}

  @All('*rest')
  catchAll() {}
}

describe('describeControllers: the OpenAPI fragment from Nest route metadata and the zod pipes', () => {
  const doc = describeControllers([ThingsController], { title: 'things' });
  const op = (path: string, method: string) =>
    (doc.paths[path] as Record<string, Record<string, unknown>>)[method] as {
      parameters?: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
      requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
      responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
    };

  it('turns Nest paths into OpenAPI paths', () => {
    expect(openApiPath('api', '/users/:id/deactivate')).toBe('/api/users/{id}/deactivate');
    expect(openApiPath('', '')).toBe('/');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/things',
        '/things/paged/all',
        '/things/events',
        '/things/{thingId}',
        '/things/{thingId}/parts/{partId}',
      ].sort(),
    );
  });

  it('takes query parameters, path parameters and bodies from the validation pipes’ schemas', () => {
    expect(op('/things', 'get').parameters).toEqual([
      {
        name: 'limit',
        in: 'query',
        required: false,
        schema: expect.objectContaining({ type: 'integer', maximum: 100 }),
      },
      { name: 'q', in: 'query', required: false, schema: { type: 'string' } },
    ]);
    expect(op('/things/{thingId}', 'get').parameters).toEqual([
      { name: 'thingId', in: 'path', required: true, schema: expect.objectContaining({ format: 'uuid' }) },
    ]);
    const removePart = op('/things/{thingId}/parts/{partId}', 'delete').parameters!;
    expect(removePart.find((p) => p.name === 'partId')?.schema).toEqual(
      expect.objectContaining({ format: 'uuid' }),
    );
    // A path parameter without a schema is still declared (required by OpenAPI), as a string.
    expect(removePart.find((p) => p.name === 'thingId')).toEqual({
      name: 'thingId',
      in: 'path',
      required: true,
      schema: { type: 'string' },
    });
    expect(op('/things', 'post').requestBody?.content['application/json'].schema).toEqual(
      expect.objectContaining({ required: ['name'], additionalProperties: false }),
    );
    expect(op('/things/paged/all', 'get').parameters?.map((p) => p.name)).toEqual(['page']);
  });

  it('documents declared answers, Nest’s default and fixed statuses, and errors as problem+json', () => {
    const create = op('/things', 'post');
    expect(Object.keys(create.responses).sort()).toEqual(['201', '400', '409']);
    expect(create.responses['201'].content?.['application/json'].schema).toEqual(
      expect.objectContaining({ required: ['id', 'name', 'createdAt'] }),
    );
    for (const status of ['400', '409']) {
      expect(create.responses[status].content).toEqual({
        'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
      });
    }
    expect(Object.keys(op('/things/{thingId}/parts/{partId}', 'delete').responses).sort()).toEqual([
      '204',
      '400',
      '404',
    ]);
    expect(Object.keys(op('/things/events', 'get').responses['200'].content!)).toEqual(['text/event-stream']);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.schemas.Problem).toEqual(
      expect.objectContaining({ required: ['type', 'title', 'status'] }),
    );
  });
});
