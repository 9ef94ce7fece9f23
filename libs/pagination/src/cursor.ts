import { InvalidInputError } from '@app/errors';
import { isUuid } from '@app/tenancy';

export interface CursorPosition {
  createdAt: Date;
  id: string;
}

// toISOString's form for the years 0000–9999. It writes year 0, BC years (-000001-…) and years past
// 9999 (+010000-…) as well, which PostgreSQL or the driver refuse (a 500 and a dead letter): no
// row's createdAt is ever there, so a cursor that is there was not made by us.
const ISO_DATE = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The one message for any cursor we would not have made: what is wrong with it is not the client's business. */
export const INVALID_CURSOR = 'cursor is not valid';

/** An opaque page cursor: base64url of the last row's (createdAt, id). */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(`${position.createdAt.toISOString()}|${position.id}`).toString('base64url');
}

/**
 * The position a cursor of ours stands for; anything else (another encoding of it included) is an
 * InvalidInputError, so a cursor never reaches the database unless the database can take it.
 */
export function decodeCursor(cursor: string): CursorPosition {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const [iso = '', id, ...rest] = text.split('|');
  const year = ISO_DATE.exec(iso)?.[1];
  const createdAt = new Date(iso);
  if (
    rest.length > 0 ||
    !isUuid(id) ||
    year === undefined ||
    year === '0000' ||
    Number.isNaN(createdAt.getTime()) ||
    // Round-trip the date: `new Date` would silently roll 2024-02-30 over into March.
    createdAt.toISOString() !== iso ||
    // Node decodes base64url leniently (padding, '+' and '/', junk skipped, bad UTF-8 replaced):
    // only our own spelling of the position counts.
    encodeCursor({ createdAt, id }) !== cursor
  ) {
    throw new InvalidInputError(INVALID_CURSOR);
  }
  return { createdAt, id };
}
