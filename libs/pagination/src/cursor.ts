import { InvalidInputError } from '@app/errors';
import { isUuid } from '@app/tenancy';

export interface CursorPosition {
  createdAt: Date;
  id: string;
}

/** An opaque page cursor: base64url of the last row's (createdAt, id). */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(`${position.createdAt.toISOString()}|${position.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  const [iso, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  // Round-trip the date: `new Date` would silently roll 2024-02-30 over into March.
  if (
    rest.length > 0 ||
    !isUuid(id) ||
    Number.isNaN(createdAt.getTime()) ||
    createdAt.toISOString() !== iso
  ) {
    throw new InvalidInputError('cursor is not valid');
  }
  return { createdAt, id };
}
