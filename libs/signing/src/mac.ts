import { createHmac, KeyObject, timingSafeEqual } from 'node:crypto';

/** The signature formats: v2 is what is signed now; v1 is only ever verified (see canonical-form.ts). */
export type SignatureVersion = 'v1' | 'v2';

/** HMAC-SHA256 over the text, as `<version>=<base64url>`. */
export function seal(key: KeyObject, version: SignatureVersion, text: string): string {
  return `${version}=${createHmac('sha256', key).update(text).digest('base64url')}`;
}

/** The version and MAC of a signature header; undefined for anything else. */
export function readSignature(signature: string): { version: SignatureVersion; mac: Buffer } | undefined {
  const match = /^(v1|v2)=(.*)$/s.exec(signature);
  if (!match) return undefined;
  const encoded = match[2];
  const mac = Buffer.from(encoded, 'base64url');
  // Node decodes base64url leniently ('=' padding, '+' and '/', trailing junk). Only the one
  // canonical spelling counts, so that the replay guard, which remembers signatures as strings,
  // cannot be passed by spelling the same MAC another way.
  if (mac.length === 0 || mac.toString('base64url') !== encoded) return undefined;
  return { version: match[1] as SignatureVersion, mac };
}

/** The key (current, then previous during a rotation) whose MAC over the text this is. */
export function keyThatSigned(keys: readonly KeyObject[], text: string, mac: Buffer): KeyObject | undefined {
  return keys.find((key) => {
    const expected = createHmac('sha256', key).update(text).digest();
    return mac.length === expected.length && timingSafeEqual(mac, expected);
  });
}
