import { BadRequestException } from '@nestjs/common';
import { ImportBodyPipe } from './import-body.pipe';

async function refusal(body: unknown): Promise<string[]> {
  const err = await new ImportBodyPipe().transform(body).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BadRequestException);
  return ((err as BadRequestException).getResponse() as { message: string[] }).message;
}

describe(ImportBodyPipe.name, () => {
  it('should return the items validated and normalised to NFC', async () => {
    const input = await new ImportBodyPipe().transform({
      items: [{ name: 'e\u0301', tasks: [{ title: 't' }] }],
    });
    expect(input.items).toEqual([{ name: '\u00e9', tasks: [{ title: 't' }] }]);
  });

  it('should name each bad item by its index, nested fields and unknown keys included', async () => {
    const items = Array.from({ length: 600 }, (_, i) => ({ name: `p${i}` }));
    items[3] = { name: '' };
    items[520] = { name: 'x', tasks: [{ title: '' }] } as never;
    items[599] = { name: 'y', tenantId: 'b' } as never;
    const message = await refusal({ items });
    expect(message).toEqual([
      'items.3.name must be between 1 and 200 characters long',
      'items.3.name must not be blank',
      'items.520.tasks.0.title must be between 1 and 500 characters long',
      'items.520.tasks.0.title must not be blank',
      'items.599.property tenantId should not exist',
    ]);
  });

  it('should stop at the first 20 errors', async () => {
    expect(await refusal({ items: Array.from({ length: 1_000 }, () => ({ name: '' })) })).toHaveLength(20);
  });

  it.each([
    ['null', null, 'body must be an object'],
    ['no items', {}, 'items must be an array'],
    ['no item', { items: [] }, 'items must contain 1 to 10000 elements'],
    [
      '10,001 items',
      { items: Array.from({ length: 10_001 }, () => ({ name: 'a' })) },
      'items must contain 1 to 10000 elements',
    ],
    ['a string item', { items: [{ name: 'a' }, 'b'] }, 'items.1 must be an object'],
    ['an unknown key', { items: [{ name: 'a' }], extra: 1 }, 'property extra should not exist'],
  ])('should refuse a body with %s', async (_case, body, problem) => {
    expect(await refusal(body)).toContain(problem);
  });
});
