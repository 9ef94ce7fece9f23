import type { DeadLetter } from './dead-letter';

/** Which dead letters a command acts on: all the criteria given must hold. */
export interface DeadLetterFilter {
  /** The message id, exactly. */
  id?: string;
  /** Part of the reason, ignoring case. */
  reason?: string;
  /** The tenant id, ignoring case. */
  tenant?: string;
}

export function isEmptyFilter(filter: DeadLetterFilter): boolean {
  return filter.id === undefined && filter.reason === undefined && filter.tenant === undefined;
}

export function matchesFilter(filter: DeadLetterFilter, letter: DeadLetter): boolean {
  if (filter.id !== undefined && letter.messageId !== filter.id) return false;
  if (filter.reason !== undefined && !letter.reason.toLowerCase().includes(filter.reason.toLowerCase()))
    return false;
  if (filter.tenant !== undefined && letter.tenantId?.toLowerCase() !== filter.tenant.toLowerCase())
    return false;
  return true;
}
