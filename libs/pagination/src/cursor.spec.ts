import fc from 'fast-check';
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
      // Dates JavaScript holds and PostgreSQL (or the driver) does not: a 500 and a dead letter before.
      ['year 0', rawCursor(`0000-01-01T00:00:00.000Z|${ID}`)],
      ['a BC year', rawCursor(`-000001-01-01T00:00:00.000Z|${ID}`)],
      ['4713 BC', rawCursor(`-004713-01-01T00:00:00.000Z|${ID}`)],
      ['a year past 9999', rawCursor(`+010000-01-01T00:00:00.000Z|${ID}`)],
      ['a year past PostgreSQL (294277)', rawCursor(`+294277-01-01T00:00:00.000Z|${ID}`)],
      ['the last date JavaScript holds', rawCursor(`+275760-09-13T00:00:00.000Z|${ID}`)],
      ['NaN', rawCursor(`NaN|${ID}`)],
      ['Invalid Date', rawCursor(`Invalid Date|${ID}`)],
      ['epoch milliseconds', rawCursor(`1714979289123|${ID}`)],
      ['a date without time', rawCursor(`2024-05-06|${ID}`)],
      ['a time without milliseconds', rawCursor(`2024-05-06T07:08:09Z|${ID}`)],
      ['an offset instead of Z', rawCursor(`2024-05-06T07:08:09.123+00:00|${ID}`)],
      ['microseconds', rawCursor(`2024-05-06T07:08:09.123456Z|${ID}`)],
      ['a lower-case t and z', rawCursor(`2024-05-06t07:08:09.123z|${ID}`)],
      ['a date with spaces around', rawCursor(` 2024-05-06T07:08:09.123Z |${ID}`)],
      ['an hour 24', rawCursor(`2024-05-06T24:00:00.000Z|${ID}`)],
      ['a leap second', rawCursor(`2016-12-31T23:59:60.000Z|${ID}`)],
      ['a date in another script', rawCursor(`٢٠٢٤-05-06T07:08:09.123Z|${ID}`)],
      ['a NUL in the id', rawCursor(`2024-05-06T07:08:09.123Z|${ID}\u0000`)],
      ['bytes that are not UTF-8', Buffer.from([0xff, 0xfe, 0x7c]).toString('base64url')],
    ])('should reject %s with InvalidInputError', (_label, cursor) => {
      expect(() => decodeCursor(cursor)).toThrow(InvalidInputError);
      expect(() => decodeCursor(cursor)).toThrow('cursor is not valid');
    });

    it('should accept the first and last dates it encodes, years 0001 and 9999', () => {
      for (const iso of ['0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z']) {
        expect(decodeCursor(rawCursor(`${iso}|${ID}`)).createdAt.toISOString()).toBe(iso);
      }
    });

    it.each([
      ['with base64 padding', (c: string) => `${c}==`],
      ['in standard base64', (c: string) => Buffer.from(c, 'base64url').toString('base64')],
      ['with junk Node would skip', (c: string) => `${c.slice(0, 8)}.${c.slice(8)}`],
      ['with white space', (c: string) => ` ${c}`],
    ])('should reject our own position spelled another way: %s', (_label, respell) => {
      // Node decodes each of these to the same position as the cursor it came from.
      const cursor = encodeCursor({ createdAt: new Date('2024-05-06T07:08:09.123Z'), id: ID });
      expect(respell(cursor)).not.toBe(cursor);
      expect(() => decodeCursor(respell(cursor))).toThrow('cursor is not valid');
    });

    it('should round-trip every date it accepts, and refuse the rest with InvalidInputError only', () => {
      const iso = fc.oneof(
        fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'NaN' : d.toISOString())),
        fc.string(),
      );
      fc.assert(
        fc.property(iso, fc.oneof(fc.uuid(), fc.string()), fc.constantFrom('|', ';', '||'), (date, id, sep) => {
          const cursor = rawCursor(`${date}${sep}${id}`);
          let position;
          try {
            position = decodeCursor(cursor);
          } catch (err) {
            expect(err).toBeInstanceOf(InvalidInputError);
            return;
          }
          const year = position.createdAt.getUTCFullYear();
          expect(year >= 1 && year <= 9999).toBe(true);
          expect(encodeCursor(position)).toBe(cursor);
        }),
        { numRuns: 2_000 },
      );
    });

    it('should reject a calendar-impossible date instead of rolling it over to another day', () => {
      // new Date('2024-02-30T…Z') silently becomes 2024-03-01, so a tampered cursor moves the page.
      expect(() => decodeCursor(rawCursor(`2024-02-30T00:00:00.000Z|${ID}`))).toThrow(InvalidInputError);
    });
  });
});
