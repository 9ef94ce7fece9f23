import fc from 'fast-check';
import { inputShapeProblems, MAX_INPUT_DEPTH } from './input-shape';

/** `[[[…]]]` with this many arrays, and `{"a":{"a":…}}` with this many objects, as JSON.parse makes them. */
const deepArray = (levels: number): unknown => JSON.parse('['.repeat(levels) + ']'.repeat(levels));
const deepObject = (levels: number): unknown => JSON.parse('{"a":'.repeat(levels) + '1' + '}'.repeat(levels));

const RESERVED = [
  'constructor',
  'prototype',
  '__proto__',
  'toString',
  'toLocaleString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
];

describe(inputShapeProblems.name, () => {
  it('should find nothing wrong in an import body, the deepest we take', async () => {
    const body = { items: [{ name: 'a', description: null, tasks: [{ title: 't', done: true }] }] };
    expect(await inputShapeProblems(body, 'body')).toEqual([]);
  });

  it.each([['a primitive', 42], ['null', null], ['a string', 'constructor'], ['undefined', undefined]])(
    'should find nothing wrong in %s',
    async (_case, input) => {
      expect(await inputShapeProblems(input, 'body')).toEqual([]);
    },
  );

  it.each([
    ['arrays', deepArray],
    ['objects', deepObject],
  ])('should take %s nested up to the limit and refuse one level more', async (_case, deep) => {
    expect(await inputShapeProblems(deep(MAX_INPUT_DEPTH), 'body')).toEqual([]);
    expect(await inputShapeProblems(deep(MAX_INPUT_DEPTH + 1), 'body')).toEqual([
      `body must not nest objects or arrays more than ${MAX_INPUT_DEPTH} levels deep`,
    ]);
  });

  it('should refuse 100,000 levels without overflowing the stack', async () => {
    await expect(inputShapeProblems(deepArray(100_000), 'payload')).resolves.toEqual([
      expect.stringMatching(/^payload must not nest/),
    ]);
  });

  it.each(RESERVED)('should refuse the key %s like any unknown field, at any depth', async (key) => {
    const at = (value: unknown) => JSON.parse(`{"${key}":${JSON.stringify(value)}}`) as unknown;
    expect(await inputShapeProblems(at('x'), 'body')).toEqual([`property ${key} should not exist`]);
    expect(await inputShapeProblems({ items: [{ name: 'a' }, at(1)] }, 'body')).toEqual([
      `items.1.property ${key} should not exist`,
    ]);
    expect(await inputShapeProblems({ items: [{ name: 'a', tasks: [at(null)] }] }, 'body')).toEqual([
      `items.0.tasks.0.property ${key} should not exist`,
    ]);
  });

  it('should refuse a reserved key in an object without a prototype, as a query string parses', async () => {
    const query = Object.assign(Object.create(null) as object, { limit: '5', constructor: 'x' });
    expect(await inputShapeProblems(query, 'query')).toEqual(['property constructor should not exist']);
  });

  it('should report at most 20 problems', async () => {
    const items = Array.from({ length: 50 }, () => ({ constructor: 1 }));
    expect(await inputShapeProblems({ items }, 'body')).toHaveLength(20);
  });

  it('should cover every member of Object.prototype, whatever the runtime adds', async () => {
    for (const key of Object.getOwnPropertyNames(Object.prototype)) {
      expect(await inputShapeProblems(JSON.parse(`{"${key}":1}`), 'body')).toEqual([
        `property ${key} should not exist`,
      ]);
    }
  });

  it('should find nothing wrong in any shallow JSON without reserved keys', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ depthSize: 'small', maxDepth: MAX_INPUT_DEPTH - 1 }), async (value) => {
        const text = JSON.stringify(value);
        if (RESERVED.some((key) => text.includes(`"${key}":`))) return;
        expect(await inputShapeProblems(JSON.parse(text), 'body')).toEqual([]);
      }),
    );
  });
});
