import { correlationIdOf } from './correlation-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe(correlationIdOf.name, () => {
  it.each([['abc-123'], ['trace.id_1:2'], ['x'.repeat(128)]])('should keep the client’s %p', (given) => {
    expect(correlationIdOf({ headers: { 'x-correlation-id': given } })).toBe(given);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['too long', 'x'.repeat(129)],
    ['holding a newline', 'a\nb'],
    ['holding a space', 'a b'],
    ['holding a quote', 'a"b'],
    ['repeated', ['a', 'b']],
  ])('should make a uuid when the client’s is %s', (_label, given) => {
    expect(correlationIdOf({ headers: { 'x-correlation-id': given } })).toMatch(UUID);
  });
});
