import fc from 'fast-check';
import { commandV1, commandV2, contentDigest, SignedFields } from './canonical-form';
import { seal } from './mac';
import { keyThatSignedV1, keyThatSignedV2, signCommand, signingKey } from './message-signature';

const KEY = signingKey('unit-test-message-signing-key-0123456789');
const PREVIOUS = signingKey('unit-test-previous-signing-key-0123456789');
const FIELDS: SignedFields = {
  tenantId: '11111111-1111-4111-8111-111111111111',
  userId: 'u',
  messageId: '22222222-2222-4222-8222-222222222222',
  signedAt: 1_700_000_000_000,
  deadline: '1700000005000',
  replyTo: 'amq.gen-abc',
  correlationId: '33333333-3333-4333-8333-333333333333',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  correlationHeader: 'request-1',
};
const PACKET = { pattern: 'projects.create.v1', data: { name: 'Apollo' } };
const CONTENT = Buffer.from(JSON.stringify({ ...PACKET, id: 'c1' }));
const DIGEST = contentDigest(CONTENT);

// Fields whose text is next to each other in the canonical forms.
const NEIGHBOURS = [
  ['tenantId', 'userId'],
  ['userId', 'messageId'],
  ['deadline', 'replyTo'],
  ['replyTo', 'correlationId'],
  ['correlationId', 'traceparent'],
  ['traceparent', 'correlationHeader'],
] as const;

// Strings rich in what a field boundary or an escape is made of.
const text = fc.string({
  unit: fc.constantFrom('a', '1', '\n', '\r', '"', '\\', ',', '[', ']', 'é', '\u2028'),
  maxLength: 10,
});

describe(keyThatSignedV2.name, () => {
  const signature = signCommand(KEY, FIELDS, CONTENT);
  const mac = signature.slice('v2='.length);

  it('should sign in the v2 format and accept the signature as signed, naming the key', () => {
    expect(signature).toMatch(/^v2=[\w-]{43}$/);
    expect(keyThatSignedV2([KEY], FIELDS, DIGEST, signature)).toBe(KEY);
    expect(keyThatSignedV2([PREVIOUS, KEY], FIELDS, DIGEST, signature)).toBe(KEY);
  });

  it.each([
    ['with padding', `v2=${mac}=`],
    ['in the base64 alphabet', `v2=${Buffer.from(mac, 'base64url').toString('base64')}`],
    ['with trailing junk', `v2=${mac}!`],
    ['with a leading space', `v2= ${mac}`],
    ['under the v1 label', `v1=${mac}`],
  ])('should refuse the same MAC spelled %s (the replay guard remembers spellings)', (_case, spelled) => {
    expect(spelled).not.toBe(signature);
    expect(keyThatSignedV2([KEY], FIELDS, DIGEST, spelled)).toBeUndefined();
  });

  it.each<[keyof SignedFields, unknown]>([
    ['tenantId', '44444444-4444-4444-8444-444444444444'],
    ['userId', 'admin'],
    ['messageId', '55555555-5555-4555-8555-555555555555'],
    ['signedAt', FIELDS.signedAt + 1],
    ['deadline', '1700000099000'],
    ['replyTo', 'amq.gen-attacker'],
    ['replyTo', ''],
    ['correlationId', '66666666-6666-4666-8666-666666666666'],
    ['traceparent', '00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01'],
    ['traceparent', '00-11111111111111111111111111111111-b7ad6b7169203331-01'],
    ['traceparent', ''],
    ['correlationHeader', 'request-2'],
    ['correlationHeader', ''],
  ])('should refuse a signature over another %s', (field, value) => {
    expect(keyThatSignedV2([KEY], { ...FIELDS, [field]: value }, DIGEST, signature)).toBeUndefined();
  });

  it('should refuse a signature over any other traceparent or correlation header', () => {
    const header = fc.string({ maxLength: 80 });
    fc.assert(
      fc.property(
        fc.constantFrom('traceparent', 'correlationHeader'),
        header,
        header,
        (field, signed, sent) => {
          fc.pre(signed !== sent);
          const signature = signCommand(KEY, { ...FIELDS, [field]: signed }, CONTENT);
          expect(keyThatSignedV2([KEY], { ...FIELDS, [field]: sent }, DIGEST, signature)).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    ['another pattern', { ...PACKET, pattern: 'projects.delete.v1', id: 'c1' }],
    ['another payload', { ...PACKET, data: { name: 'Other' }, id: 'c1' }],
    ['another request id', { ...PACKET, id: 'c2' }],
    ['the same packet spelled otherwise', { id: 'c1', ...PACKET }],
  ])('should refuse a signature over a body with %s: it covers the exact bytes', (_case, packet) => {
    const other = Buffer.from(JSON.stringify(packet));

    expect(other.equals(CONTENT)).toBe(false);
    expect(keyThatSignedV2([KEY], FIELDS, contentDigest(other), signature)).toBeUndefined();
  });

  it('should refuse any newline moved from one field into the next', () => {
    fc.assert(
      fc.property(fc.constantFrom(...NEIGHBOURS), text, text, text, ([first, second], head, tail, next) => {
        const original = { ...FIELDS, [first]: `${head}\n${tail}`, [second]: next };
        const shifted = { ...FIELDS, [first]: head, [second]: `${tail}\n${next}` };

        expect(commandV2(shifted, DIGEST)).not.toBe(commandV2(original, DIGEST));
        expect(keyThatSignedV2([KEY], shifted, DIGEST, signCommand(KEY, original, CONTENT))).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});

describe(keyThatSignedV1.name, () => {
  it('should verify the v1 format over the parsed packet, and no v2 signature', () => {
    const v1 = seal(KEY, 'v1', commandV1(FIELDS, PACKET));

    expect(keyThatSignedV1([KEY], FIELDS, PACKET, v1)).toBe(KEY);
    expect(keyThatSignedV1([KEY], FIELDS, { ...PACKET, data: { name: 'Other' } }, v1)).toBeUndefined();
    expect(keyThatSignedV1([KEY], FIELDS, PACKET, signCommand(KEY, FIELDS, CONTENT))).toBeUndefined();
    expect(keyThatSignedV2([KEY], FIELDS, DIGEST, v1)).toBeUndefined();
  });

  it('should show why v1 is retired: the same shift leaves its signed text unchanged', () => {
    const original = {
      ...FIELDS,
      userId: 'u\n22222222-2222-4222-8222-222222222222',
      messageId: 'projects.create.v1',
    };
    const shifted = {
      ...FIELDS,
      userId: 'u',
      messageId: '22222222-2222-4222-8222-222222222222\nprojects.create.v1',
    };

    expect(commandV1(shifted, { ...PACKET, pattern: 'x' })).toBe(
      commandV1(original, { ...PACKET, pattern: 'x' }),
    );
  });
});
