import { createSecretKey, KeyObject } from 'node:crypto';
import { commandV1, commandV2, contentDigest, MessagePacket, SignedFields } from './canonical-form';
import { keyThatSigned, readSignature, seal } from './mac';

export function signingKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

/** HMAC-SHA256 over the signed fields and the exact bytes of the body, as `v2=<base64url>`. */
export function signCommand(key: KeyObject, fields: SignedFields, content: Buffer): string {
  return seal(key, 'v2', commandV2(fields, contentDigest(content)));
}

/**
 * The key (current, then previous during a rotation) whose v2 signature this is, over these fields
 * and a body of this digest; undefined if none, or if it is no v2 signature.
 */
export function keyThatSignedV2(
  keys: readonly KeyObject[],
  fields: SignedFields,
  digest: string,
  signature: string,
): KeyObject | undefined {
  const read = readSignature(signature);
  return read?.version === 'v2' ? keyThatSigned(keys, commandV2(fields, digest), read.mac) : undefined;
}

/** The same for the v1 format, over the parsed body (messages signed before the upgrade). */
export function keyThatSignedV1(
  keys: readonly KeyObject[],
  fields: SignedFields,
  packet: MessagePacket,
  signature: string,
): KeyObject | undefined {
  const read = readSignature(signature);
  return read?.version === 'v1' ? keyThatSigned(keys, commandV1(fields, packet), read.mac) : undefined;
}
