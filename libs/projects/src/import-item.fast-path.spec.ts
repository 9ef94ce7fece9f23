import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import fc from 'fast-check';
import { ImportItem, importItemSchema } from './projects-jobs.contract';

// What class-validator alone says of a plain item: the rules the fast path must agree with.
async function byClass(plain: unknown): Promise<{ valid: boolean; value: unknown }> {
  const item = plainToInstance(ImportItem, plain);
  const errors = await validate(item as object, { whitelist: true, forbidNonWhitelisted: true });
  return { valid: errors.length === 0, value: JSON.parse(JSON.stringify(item)) };
}

// Texts near every rule's edge: blank, control characters, line breaks, lone and paired
// surrogates, text that NFC changes (and lengthens or shortens), lengths at the limits.
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(
    '',
    ' ',
    '\t',
    'a\nb',
    'a\u0000',
    'a\u0085',
    'a\u007f',
    'a\u200e',
    '\ud800',
    'x\udc00y',
    '😀',
    'e\u0301',
    '\u1100\u1161',
    'A\u030a',
    '\ufb01',
    'x'.repeat(199),
    'x'.repeat(200),
    'x'.repeat(201),
    '😀'.repeat(200),
    'e\u0301'.repeat(200),
    'x'.repeat(500),
    'x'.repeat(501),
    'y'.repeat(2000),
    'y'.repeat(2001),
  ),
);
const anything = fc.oneof(
  text,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.object(),
);
const extra = fc.dictionary(fc.constantFrom('id', 'tenantId', 'x', 'status'), anything, { maxKeys: 1 });
const task = fc.oneof(
  fc.record(
    { title: fc.oneof(text, anything), done: fc.oneof(fc.boolean(), anything) },
    { requiredKeys: ['title'] },
  ),
  fc.tuple(fc.record({ title: text }), extra).map(([t, e]) => ({ ...t, ...e })),
  anything,
);
const tasks = fc.oneof(
  fc.array(task, { maxLength: 3 }),
  fc.constantFrom(100, 101).map((n) => Array.from({ length: n }, (_, i) => ({ title: `t${i}` }))),
  anything,
);
const item = fc.oneof(
  fc
    .tuple(
      fc.record(
        { name: fc.oneof(text, anything), description: fc.oneof(text, anything), tasks },
        { requiredKeys: [] },
      ),
      extra,
    )
    .map(([fields, more]) => ({ ...fields, ...more })),
  anything,
);

describe('ImportItem fast path', () => {
  it('should accept nothing class-validator refuses, and return what it returns', async () => {
    await fc.assert(
      fc.asyncProperty(item, async (plain) => {
        const fast = importItemSchema.safeParse(plain);
        if (!fast.success) return;
        const checked = await byClass(plain);
        expect(checked.valid).toBe(true);
        expect(JSON.parse(JSON.stringify(fast.data))).toEqual(checked.value);
      }),
      { numRuns: 3_000 },
    );
  });

  it('should accept the items an import usually holds, so that they skip class-validator', async () => {
    const usual = [
      { name: 'Apollo' },
      { name: 'e\u0301clair', description: null },
      { name: 'Plan', description: 'line one\nline two\ttab', tasks: [] },
      { name: '😀'.repeat(200), tasks: [{ title: 'first', done: true }, { title: 'A\u030a' }] },
      { name: 'x', tasks: Array.from({ length: 100 }, (_, i) => ({ title: `t${i}`, done: i % 2 === 0 })) },
    ];
    for (const plain of usual) {
      const fast = importItemSchema.safeParse(plain);
      expect(fast.success).toBe(true);
      expect(JSON.parse(JSON.stringify(fast.data))).toEqual((await byClass(plain)).value);
    }
  });
});
