import { InvalidInputError } from '@app/errors';
import { decodeCursor, encodeCursor } from './cursor';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

function rawCursor(text: string): string {
  return Buffer.from(text).toString('base64url');
}

describe('cursor', () => {
  describe(encodeCursor.name, () => {
    it('should round-trip createdAt to the millisecond and the id', () => {
      const createdAt = new Date('2024-05-06T07:08:09.123Z');

      const decoded = decodeCursor(encodeCursor({ createdAt, id: ID }));

      expect(decoded.createdAt.getTime()).toBe(createdAt.getTime());
      expect(decoded.createdAt.getUTCMilliseconds()).toBe(123);
      expect(decoded.id).toBe(ID);
    });

    it('should produce a base64url string without padding or unsafe characters', () => {
      const cursor = encodeCursor({ createdAt: new Date('2024-05-06T07:08:09.999Z'), id: ID });

      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(cursor, 'base64url').toString('utf8')).toBe(`2024-05-06T07:08:09.999Z|${ID}`);
    });
  });

  describe(decodeCursor.name, () => {
    it.each([
      ['an empty string', ''],
      ['base64 garbage', 'not-a-cursor!!'],
      ['a semicolon separator', rawCursor(`2024-05-06T07:08:09.123Z;${ID}`)],
      ['reversed fields', rawCursor(`${ID}|2024-05-06T07:08:09.123Z`)],
      ['a non-uuid id', rawCursor('2024-05-06T07:08:09.123Z|42')],
      ['an SQL-looking id', rawCursor("2024-05-06T07:08:09.123Z|' OR 1=1 --")],
      ['a missing id', rawCursor('2024-05-06T07:08:09.123Z|')],
      ['an unparseable date', rawCursor(`yesterday|${ID}`)],
      ['an out-of-range month', rawCursor(`2024-13-01T00:00:00.000Z|${ID}`)],
      ['an empty date', rawCursor(`|${ID}`)],
      ['an extra field', rawCursor(`2024-05-06T07:08:09.123Z|${ID}|extra`)],
      ['a trailing separator', rawCursor(`2024-05-06T07:08:09.123Z|${ID}|`)],
    ])('should reject %s with InvalidInputError', (_label, cursor) => {
      expect(() => decodeCursor(cursor)).toThrow(InvalidInputError);
      expect(() => decodeCursor(cursor)).toThrow('cursor is not valid');
    });

    it('should reject a calendar-impossible date instead of rolling it over to another day', () => {
      // new Date('2024-02-30T…Z') silently becomes 2024-03-01, so a tampered cursor moves the page.
      expect(() => decodeCursor(rawCursor(`2024-02-30T00:00:00.000Z|${ID}`))).toThrow(InvalidInputError);
    });
  });
});
