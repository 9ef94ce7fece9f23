import fc from 'fast-check';
import { commandV1, SignedFields } from './canonical-form';
import { seal } from './mac';
import { signingKey, signMessage, verifySignature } from './message-signature';

const KEY = signingKey('unit-test-message-signing-key-0123456789');
const PREVIOUS = signingKey('unit-test-previous-signing-key-0123456789');
const FIELDS: SignedFields = {
  tenantId: '11111111-1111-4111-8111-111111111111',
  userId: 'u',
  messageId: '22222222-2222-4222-8222-222222222222',
  pattern: 'projects.create.v1',
  signedAt: 1_700_000_000_000,
  deadline: '1700000005000',
  replyTo: 'amq.gen-abc',
  correlationId: '33333333-3333-4333-8333-333333333333',
  data: { name: 'Apollo' },
};

// Fields whose text is next to each other in the canonical forms.
const NEIGHBOURS = [
  ['tenantId', 'userId'],
  ['userId', 'messageId'],
  ['messageId', 'pattern'],
  ['deadline', 'replyTo'],
  ['replyTo', 'correlationId'],
] as const;

// Strings rich in what a field boundary or an escape is made of.
const text = fc.string({
  unit: fc.constantFrom('a', '1', '\n', '\r', '"', '\\', ',', '[', ']', 'é', '\u2028'),
  maxLength: 10,
});

describe(verifySignature.name, () => {
  const signature = signMessage(KEY, FIELDS);
  const mac = signature.slice('v2='.length);

  it('should sign in the v2 format and accept the signature as signed, naming the key', () => {
    expect(signature).toMatch(/^v2=[\w-]{43}$/);
    expect(verifySignature([KEY], FIELDS, signature)).toBe(KEY);
    expect(verifySignature([PREVIOUS, KEY], FIELDS, signature)).toBe(KEY);
  });

  it.each([
    ['with padding', `v2=${mac}=`],
    ['in the base64 alphabet', `v2=${Buffer.from(mac, 'base64url').toString('base64')}`],
    ['with trailing junk', `v2=${mac}!`],
    ['with a leading space', `v2= ${mac}`],
    ['under the v1 label', `v1=${mac}`],
  ])('should refuse the same MAC spelled %s (the replay guard remembers spellings)', (_case, spelled) => {
    expect(spelled).not.toBe(signature);
    expect(verifySignature([KEY], FIELDS, spelled, { acceptV1: true })).toBeUndefined();
  });

  it.each<[keyof SignedFields, unknown]>([
    ['tenantId', '44444444-4444-4444-8444-444444444444'],
    ['userId', 'admin'],
    ['messageId', '55555555-5555-4555-8555-555555555555'],
    ['pattern', 'projects.delete.v1'],
    ['signedAt', FIELDS.signedAt + 1],
    ['deadline', '1700000099000'],
    ['replyTo', 'amq.gen-attacker'],
    ['replyTo', ''],
    ['correlationId', '66666666-6666-4666-8666-666666666666'],
    ['data', { name: 'Other' }],
  ])('should refuse a signature over another %s', (field, value) => {
    expect(verifySignature([KEY], { ...FIELDS, [field]: value }, signature)).toBeUndefined();
  });

  it('should verify the v1 format only when it is accepted (messages queued before the upgrade)', () => {
    const v1 = seal(KEY, 'v1', commandV1(FIELDS));

    expect(verifySignature([KEY], FIELDS, v1)).toBeUndefined();
    expect(verifySignature([KEY], FIELDS, v1, { acceptV1: true })).toBe(KEY);
  });

  it('should refuse any newline moved from one field into the next', () => {
    fc.assert(
      fc.property(fc.constantFrom(...NEIGHBOURS), text, text, text, ([first, second], head, tail, next) => {
        const original = { ...FIELDS, [first]: `${head}\n${tail}`, [second]: next };
        const shifted = { ...FIELDS, [first]: head, [second]: `${tail}\n${next}` };

        expect(verifySignature([KEY], shifted, signMessage(KEY, original))).toBeUndefined();
      }),
      { numRuns: 500 },
    );
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

    expect(commandV1(shifted)).toBe(commandV1(original));
  });
});
