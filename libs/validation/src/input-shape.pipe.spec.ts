import { ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { InputShapePipe } from './input-shape.pipe';

const as = (type: ArgumentMetadata['type']): ArgumentMetadata => ({ type, metatype: Object });

async function refusal(value: unknown, type: ArgumentMetadata['type']): Promise<unknown> {
  const err = await new InputShapePipe().transform(value, as(type)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BadRequestException);
  return (err as BadRequestException).getResponse();
}

describe(InputShapePipe.name, () => {
  it('should pass a body and a query of a sound shape through as they are', async () => {
    const body = { name: 'a' };
    await expect(new InputShapePipe().transform(body, as('body'))).resolves.toBe(body);
    await expect(new InputShapePipe().transform({ limit: '5' }, as('query'))).resolves.toEqual({ limit: '5' });
  });

  it('should answer 400 in the ValidationPipe’s shape to a body nested 10,000 levels deep', async () => {
    const body: unknown = JSON.parse('['.repeat(10_000) + ']'.repeat(10_000));
    expect(await refusal(body, 'body')).toEqual({
      statusCode: 400,
      message: ['body must not nest objects or arrays more than 20 levels deep'],
      error: 'Bad Request',
    });
  });

  it('should answer 400 to a reserved key in a body or a query', async () => {
    expect(await refusal(JSON.parse('{"name":"a","__proto__":{}}'), 'body')).toMatchObject({
      message: ['property __proto__ should not exist'],
    });
    expect(await refusal({ toString: 'x' }, 'query')).toMatchObject({
      message: ['property toString should not exist'],
    });
  });

  it('should leave path parameters alone: their keys are the route’s', async () => {
    await expect(new InputShapePipe().transform({ id: 'x' }, as('param'))).resolves.toEqual({ id: 'x' });
  });
});
