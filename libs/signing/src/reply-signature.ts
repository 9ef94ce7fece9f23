import { KeyObject } from 'node:crypto';
import { ReplyFields, replyV2 } from './canonical-form';
import { keyThatSigned, readSignature, seal } from './mac';

/**
 * Worker side: signs a reply with the key that signed its request, so the gateway that sent it can
 * check it with its own key, whichever of a rotation's two keys that is.
 */
export function signReply(key: KeyObject, fields: ReplyFields): string {
  return seal(key, 'v2', replyV2(fields));
}

/** True when one of the keys signed this reply for this request. */
export function verifyReply(keys: readonly KeyObject[], fields: ReplyFields, signature: string): boolean {
  const read = readSignature(signature);
  return read?.version === 'v2' && keyThatSigned(keys, replyV2(fields), read.mac) !== undefined;
}
