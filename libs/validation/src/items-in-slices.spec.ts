import { IsArray, IsInt, IsObject, IsString, Min } from 'class-validator';
import { validateItems, validateSlicedItems, ValidateInSlices } from './items-in-slices';

class Item {
  @IsString()
  name!: string;
}

class Batch {
  @IsInt()
  @Min(0)
  batch!: number;

  @IsArray()
  @IsObject({ each: true })
  @ValidateInSlices(() => Item)
  items!: Item[];
}

class LaterBatch extends Batch {}

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

describe('validateSlicedItems', () => {
  it('should validate marked properties, inherited ones too, replacing elements by instances', async () => {
    const batch = Object.assign(new LaterBatch(), { batch: 0, items: [{ name: 'a' }, { name: 2 }] });
    expect(await validateSlicedItems(batch)).toEqual(['items.1.name must be a string']);
    expect(batch.items[0]).toBeInstanceOf(Item);
  });

  it('should leave an instance without marked properties alone', async () => {
    expect(await validateSlicedItems(new Item())).toEqual([]);
  });
});
