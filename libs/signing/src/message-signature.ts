import { createHash, createHmac, createSecretKey, KeyObject, timingSafeEqual } from 'node:crypto';

const VERSION = 'v1';

/** What a signature covers: everything that decides whose data a command touches and how. */
export interface SignedFields {
  tenantId: string;
  userId: string;
  messageId: string;
  pattern: string;
  signedAt: number;
  deadline: string;
  data: unknown;
}

function canonical(fields: SignedFields): string {
  const bodyHash = createHash('sha256')
    .update(JSON.stringify(fields.data ?? null))
    .digest('base64url');
  return [
    VERSION,
    fields.tenantId,
    fields.userId,
    fields.messageId,
    fields.pattern,
    String(fields.signedAt),
    fields.deadline,
    bodyHash,
  ].join('\n');
}

function hmac(key: KeyObject, fields: SignedFields): Buffer {
  return createHmac('sha256', key).update(canonical(fields)).digest();
}

export function signingKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

/** HMAC-SHA256 over the signed fields, as `v1=<base64url>`. */
export function signMessage(key: KeyObject, fields: SignedFields): string {
  return `${VERSION}=${hmac(key, fields).toString('base64url')}`;
}

/** True when any of the keys (current, then previous during a rotation) produced the signature. */
export function verifySignature(
  keys: readonly KeyObject[],
  fields: SignedFields,
  signature: string,
): boolean {
  const prefix = `${VERSION}=`;
  if (!signature.startsWith(prefix)) return false;
  const encoded = signature.slice(prefix.length);
  const given = Buffer.from(encoded, 'base64url');
  // Node decodes base64url leniently ('=' padding, '+' and '/', trailing junk). Only the one
  // canonical spelling counts, so that the replay guard, which remembers signatures as strings,
  // cannot be passed by spelling the same MAC another way.
  if (given.toString('base64url') !== encoded) return false;
  return keys.some((key) => {
    const expected = hmac(key, fields);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
