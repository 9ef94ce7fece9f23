import { createHash } from 'node:crypto';

/**
 * A uuid (version 8, the custom one) derived from its parts: the same parts give the same id. For
 * ids that must come out the same when a message is retried, such as a command's id under an
 * Idempotency-Key, or a job's and its batches' ids under their command's.
 */
export function derivedUuid(...parts: string[]): string {
  const bytes = createHash('sha256').update(parts.join('\n')).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
