import { IsArray, IsInt, IsObject, IsString, Min } from 'class-validator';
import { KeptAsSent, toInstance, validateSlicedItems, ValidateInSlices } from './sliced-properties';

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

class Start {
  @IsArray()
  @KeptAsSent()
  items!: object[];

  @IsInt()
  count!: number;
}

describe('toInstance', () => {
  it('should set marked arrays as they arrived, not copies, and build the rest by class-transformer', () => {
    const items = [{ name: 'a' }, { name: 'b' }];
    const start = toInstance(Start, { items, count: 2 });
    expect(start).toBeInstanceOf(Start);
    expect(start.items).toBe(items);
    expect(start.count).toBe(2);
    expect(toInstance(LaterBatch, { batch: 1, items }).items).toBe(items);
  });

  it('should leave a marked property out when the payload lacks it', () => {
    expect(toInstance(Start, { count: 1 }).items).toBeUndefined();
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

describe('KeptAsSent', () => {
  it("should leave the elements to the property's own decorators", async () => {
    expect(await validateSlicedItems(toInstance(Start, { items: [{ anything: 1 }], count: 1 }))).toEqual([]);
  });
});
