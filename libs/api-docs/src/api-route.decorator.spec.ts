import { Controller, Delete, Get, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { OpenAPIObject, OperationObject, ParameterObject, ResponseObject } from '@nestjs/swagger';
import { apiDocument } from './api-docs.setup';
import { ApiPublicResource, ApiResource, ApiRoute } from './api-route.decorator';

@ApiResource('things')
@Controller('things')
class ThingsController {
  @Get(':id')
  @ApiRoute({ summary: 'Get a thing', notFound: 'Thing' })
  get(): void {}

  @Delete(':id')
  @ApiRoute({ summary: 'Delete a thing', write: true, notFound: 'Thing', conflict: 'the thing is locked' })
  delete(): void {}
}

@ApiPublicResource('health')
@Controller('health')
class OpenController {
  @Get()
  check(): void {}
}

@Module({ controllers: [ThingsController, OpenController] })
class DocsTestModule {}

function headers(op: OperationObject): string[] {
  return ((op.parameters ?? []) as ParameterObject[]).filter((p) => p.in === 'header').map((p) => p.name);
}

function response(op: OperationObject, status: number): ResponseObject {
  return op.responses[String(status)] as ResponseObject;
}

describe(ApiRoute.name, () => {
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    app = await NestFactory.create(DocsTestModule, new FastifyAdapter(), { logger: false });
    document = apiDocument(app);
  });

  afterAll(async () => {
    await app.close();
  });

  it('should give a read the errors every authenticated route can answer, and its 404', () => {
    const op = document.paths['/things/{id}'].get!;
    expect(op.summary).toBe('Get a thing');
    expect(op.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(op.responses).sort()).toEqual(['400', '401', '403', '404', '429', '503']);
    expect(response(op, 404).description).toBe('Thing not found in the tenant');
    expect(Object.keys(response(op, 503).headers ?? {})).toEqual(['Retry-After']);
    expect(Object.keys(response(op, 429).headers ?? {})).toEqual(['Retry-After']);
    expect(headers(op)).toEqual(['x-correlation-id']);
  });

  it('should give a write its Idempotency-Key, 422, and one 409 naming both causes with Retry-After', () => {
    const op = document.paths['/things/{id}'].delete!;
    expect(headers(op)).toEqual(['x-correlation-id', 'Idempotency-Key']);
    expect(Object.keys(op.responses).sort()).toEqual([
      '400',
      '401',
      '403',
      '404',
      '409',
      '422',
      '429',
      '503',
    ]);
    expect(response(op, 409).description).toBe(
      'The thing is locked; or a request with the same Idempotency-Key is still in flight (with Retry-After)',
    );
    expect(Object.keys(response(op, 409).headers ?? {})).toEqual(['Retry-After']);
  });

  it('should show each error with an example of its own status', () => {
    const op = document.paths['/things/{id}'].delete!;
    for (const status of ['400', '401', '403', '404', '409', '422', '429', '503']) {
      const content = (op.responses[status] as ResponseObject).content?.['application/json'];
      expect(content?.schema).toEqual({ $ref: '#/components/schemas/ErrorBody' });
      expect(content?.example).toEqual(expect.objectContaining({ statusCode: Number(status) }));
    }
  });

  it('should leave a public resource without the bearer scheme, with the correlation id header', () => {
    const op = document.paths['/health'].get!;
    expect(op.security).toBeUndefined();
    expect(headers(op)).toEqual(['x-correlation-id']);
    expect(document.components?.securitySchemes?.bearer).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    );
  });
});
