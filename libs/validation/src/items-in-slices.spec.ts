import { IsString } from 'class-validator';
import { z } from 'zod';
import { FastPath, validateItems } from './items-in-slices';

class Item {
  @IsString()
  name!: string;
}

// A fast path that upper-cases what it accepts, to show which way each item went.
@FastPath(z.strictObject({ name: z.string().max(3) }).transform(({ name }) => ({ name: name.toUpperCase() })))
class QuickItem {
  @IsString()
  name!: string;
}

const named = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `n${i}` }));

describe('validateItems', () => {
  it('should return instances of the item class and no errors for valid items', async () => {
    const { valid, errors } = await validateItems(Item, named(3), 'items');
    expect(errors).toEqual([]);
    expect(valid.every((item) => item instanceof Item)).toBe(true);
  });

  it('should name each error by its index, as Nest names nested errors', async () => {
    const items = [...named(150), { name: 7 }, { name: 'x', extra: true }];
    const { errors } = await validateItems(Item, items, 'items');
    expect(errors).toEqual(['items.150.name must be a string', 'items.151.property extra should not exist']);
  });

  it('should stop at the given number of errors', async () => {
    const items = Array.from({ length: 500 }, () => ({ name: 1 }));
    expect((await validateItems(Item, items, 'items', 20)).errors).toHaveLength(20);
  });

  it('should let other work run between slices of a long array', async () => {
    let ranDuring = false;
    const validating = validateItems(Item, named(1_000), 'items');
    setImmediate(() => (ranDuring = true));
    await validating;
    expect(ranDuring).toBe(true);
  });
});

describe('FastPath', () => {
  it('should take what the schema returns for the items it accepts, and validate the rest by class', async () => {
    const { valid, errors } = await validateItems(
      QuickItem,
      [{ name: 'abc' }, { name: 'long' }, { name: 5 }],
      'items',
    );
    expect(valid).toEqual([{ name: 'ABC' }, { name: 'long' }]);
    expect(valid[1]).toBeInstanceOf(QuickItem);
    expect(errors).toEqual(['items.2.name must be a string']);
  });
});
