import fc from 'fast-check';
import { DEAD_LETTER_REASONS, deadLetterReason } from './dead-letter-reason';

describe(deadLetterReason.name, () => {
  it.each([
    ['message too large: 40000000 bytes, over MESSAGE_MAX_BYTES (34603008)', 'too_large'],
    ['message nested deeper than 32 levels', 'too_deep'],
    ['Message rejected: signature invalid', 'signature'],
    ['Message rejected: signature missing', 'signature'],
    ['Message rejected: signature stale: signed 120000 ms ago (limit 60000)', 'stale'],
    ['Message rejected: message replayed', 'replayed'],
    ['Message rejected: deadline passed 12 ms ago', 'expired'],
    ['Message rejected: x-tenant-id header is missing or not a uuid', 'invalid_headers'],
    ['Message rejected: message id is not a uuid', 'invalid_headers'],
    ['Message rejected: invalid payload: name must be a string', 'invalid_payload'],
    ['transient error: PrismaClientKnownRequestError (55P03)', 'transient'],
    ['unexpected error: TypeError', 'unexpected'],
    ['retry queue full: commands.retry.3', 'retry_queue_full'],
    ['something nobody wrote yet', 'other'],
  ])('should map %j to %s', (text, reason) => {
    expect(deadLetterReason(text)).toBe(reason);
  });

  it('should map any text at all into the fixed set', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        expect(DEAD_LETTER_REASONS).toContain(deadLetterReason(text));
        expect(DEAD_LETTER_REASONS).toContain(deadLetterReason(`Message rejected: ${text}`));
      }),
    );
  });
});
