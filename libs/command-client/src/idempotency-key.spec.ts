import { InvalidInputError } from '@app/errors';
import { messageIdFor, parseIdempotencyKey } from './idempotency-key';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe(parseIdempotencyKey.name, () => {
  it.each([
    ['"8e03978e-40d5-43e8-bc93-6894a57f9324"', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['"a \\"quoted\\" key"', 'a "quoted" key'],
    ['8e03978e-40d5-43e8-bc93-6894a57f9324', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
  ])('should read %s', (header, key) => {
    expect(parseIdempotencyKey(header)).toBe(key);
  });

  it.each([['""'], ['"x'], ['two words'], ['"tab\there"'], [`"${'k'.repeat(256)}"`], ['"é"']])(
    'should refuse %s with a 400',
    (header) => {
      expect(() => parseIdempotencyKey(header)).toThrow(InvalidInputError);
    },
  );
});

describe(messageIdFor.name, () => {
  it('should give one uuid per tenant and key', () => {
    const a = '11111111-1111-4111-8111-111111111111';
    const b = '22222222-2222-4222-8222-222222222222';
    expect(messageIdFor(a, 'k')).toMatch(UUID);
    expect(messageIdFor(a, 'k')).toBe(messageIdFor(a, 'k'));
    expect(messageIdFor(a, 'k')).not.toBe(messageIdFor(b, 'k'));
    expect(messageIdFor(a, 'k')).not.toBe(messageIdFor(a, 'k2'));
  });
});
