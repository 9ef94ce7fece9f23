import { InvalidInputError } from '@app/errors';
import { derivedUuid } from '@app/messaging';

/** The CLS key under which the gateway keeps the request's Idempotency-Key. */
export const IDEMPOTENCY_KEY = 'idempotencyKey';

// RFC 8941 sf-string (what the IETF httpapi draft specifies: printable ASCII in quotes, with \" and
// \\ escapes), or, for clients that send it bare, a plain token such as a uuid.
const SF_STRING = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;
const BARE_TOKEN = /^[A-Za-z0-9._~:+/=-]+$/;
const MAX_LENGTH = 255;

/** The key in an Idempotency-Key header, or InvalidInputError (400) for one that is malformed. */
export function parseIdempotencyKey(header: string): string {
  const quoted = SF_STRING.exec(header.trim());
  const key = quoted ? quoted[1].replace(/\\(["\\])/g, '$1') : header.trim();
  if (!quoted && !BARE_TOKEN.test(key)) {
    throw new InvalidInputError('Idempotency-Key must be a quoted string or a token of printable characters');
  }
  if (key.length === 0 || key.length > MAX_LENGTH) {
    throw new InvalidInputError(`Idempotency-Key must hold 1 to ${MAX_LENGTH} characters`);
  }
  return key;
}

/**
 * The message id of a command sent under an Idempotency-Key: the same for the same tenant and key,
 * so the worker's inbox sees the retry as the command it already applied. A uuid (version 8, the
 * custom one) because the inbox keys by uuid.
 */
export function messageIdFor(tenantId: string, key: string): string {
  return derivedUuid(tenantId.toLowerCase(), key);
}
