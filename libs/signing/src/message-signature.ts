import { createSecretKey, KeyObject } from 'node:crypto';
import { commandV1, commandV2, SignedFields } from './canonical-form';
import { keyThatSigned, readSignature, seal } from './mac';

export interface VerifyOptions {
  /** Also verify the v1 format: messages signed before the upgrade (MESSAGE_SIGNATURE_ACCEPT_V1). */
  acceptV1?: boolean;
}

export function signingKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

/** HMAC-SHA256 over the signed fields, as `v2=<base64url>`. */
export function signMessage(key: KeyObject, fields: SignedFields): string {
  return seal(key, 'v2', commandV2(fields));
}

/** The key (current, then previous during a rotation) that produced the signature; undefined if none did. */
export function verifySignature(
  keys: readonly KeyObject[],
  fields: SignedFields,
  signature: string,
  { acceptV1 = false }: VerifyOptions = {},
): KeyObject | undefined {
  const read = readSignature(signature);
  if (!read) return undefined;
  if (read.version === 'v1') return acceptV1 ? keyThatSigned(keys, commandV1(fields), read.mac) : undefined;
  return keyThatSigned(keys, commandV2(fields), read.mac);
}
