import { signingKey, signMessage, verifySignature } from './message-signature';

const KEY = signingKey('unit-test-message-signing-key-0123456789');
const FIELDS = {
  tenantId: '11111111-1111-4111-8111-111111111111',
  userId: 'u',
  messageId: '22222222-2222-4222-8222-222222222222',
  pattern: 'projects.create.v1',
  signedAt: 1_700_000_000_000,
  deadline: '1700000005000',
  data: { name: 'Apollo' },
};

describe(verifySignature.name, () => {
  const signature = signMessage(KEY, FIELDS);
  const mac = signature.slice('v1='.length);

  it('should accept the signature as signed', () => {
    expect(verifySignature([KEY], FIELDS, signature)).toBe(true);
  });

  it.each([
    ['with padding', `v1=${mac}=`],
    ['in the base64 alphabet', `v1=${Buffer.from(mac, 'base64url').toString('base64')}`],
    ['with trailing junk', `v1=${mac}!`],
    ['with a leading space', `v1= ${mac}`],
  ])('should refuse the same MAC spelled %s (the replay guard remembers spellings)', (_case, spelled) => {
    expect(spelled).not.toBe(signature);
    expect(verifySignature([KEY], FIELDS, spelled)).toBe(false);
  });

  it('should refuse a signature over other fields', () => {
    expect(
      verifySignature([KEY], { ...FIELDS, tenantId: '33333333-3333-4333-8333-333333333333' }, signature),
    ).toBe(false);
  });
});
