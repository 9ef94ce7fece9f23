import { Logger } from '@nestjs/common';
import type { Channel, ConsumeMessage } from 'amqplib';
import { RejectedMessageError } from '@app/messaging';
import type { MessageAuthenticator } from '@app/signing';
import { Delivery } from './delivery';

/**
 * How deep a message's JSON may nest. Commands nest a handful of levels (packet, payload, items,
 * item, tasks, task); a deeper one is hostile, and would overflow the stack of what walks it after
 * parsing (validation recurses into it; a v1 signature check serializes it again).
 */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Why a delivery's body is too large or nests too deep to parse, or undefined: what the raw bytes
 * tell, checked before they are hashed for the signature. A worker's heap is capped, and JSON.parse
 * of a large or deeply nested body is where one message could take the whole process down.
 */
export function refusalBeforeParsing(content: Buffer, maxBytes: number): string | undefined {
  if (content.length > maxBytes) {
    return `message too large: ${content.length} bytes, over MESSAGE_MAX_BYTES (${maxBytes})`;
  }
  if (nestsDeeperThan(content, MAX_JSON_DEPTH)) {
    return `message nested deeper than ${MAX_JSON_DEPTH} levels`;
  }
  return undefined;
}

const logger = new Logger('Messages');

export interface ArrivalCheck {
  maxBytes: number;
  deadLetterQueue: string;
  /** Checks the signature over the raw bytes (MessageAuthenticator.checkBytes). */
  authenticator: Pick<MessageAuthenticator, 'checkBytes'>;
}

/**
 * Dead-letters a delivery that must not be parsed, with the reason, without reading its body; true
 * when it did: one too large or nested too deep, and one the gateway's key did not sign (its
 * signature covers the exact bytes). No reply: the reply address of an unauthenticated message is
 * the sender's choice, and the gateway sends none of these (one too large it answers 413).
 */
export function refusedUnread(
  message: ConsumeMessage,
  channel: Channel,
  { maxBytes, deadLetterQueue, authenticator }: ArrivalCheck,
): string | undefined {
  const reason = refusalBeforeParsing(message.content, maxBytes) ?? unsigned(message, authenticator);
  if (reason === undefined) return undefined;
  new Delivery(channel, message, deadLetterQueue).deadLetter(reason);
  logger.warn(`Dead-lettered unread from ${message.fields.routingKey}: ${reason}`);
  return reason;
}

/** Why the signature over the raw bytes does not check, or undefined when it does. */
function unsigned(message: ConsumeMessage, authenticator: ArrivalCheck['authenticator']): string | undefined {
  try {
    authenticator.checkBytes(message);
    return undefined;
  } catch (err) {
    // Only refusals are expected; anything else still must not reach the parser.
    return err instanceof RejectedMessageError ? err.message : `signature check failed: ${String(err)}`;
  }
}

/**
 * True when the JSON in `content` opens more than `max` arrays and objects inside one another.
 * Hand-written: JSON.parse has no depth limit and the JSON libraries that have one build the value
 * as they go, which is the cost this check exists to avoid. A scan over the bytes, skipping strings
 * with indexOf; malformed JSON is left for the parser to refuse. Bytes of multi-byte UTF-8
 * characters are all >= 0x80, so they never look like brackets or quotes.
 */
export function nestsDeeperThan(content: Buffer, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < content.length; i++) {
    const byte = content[i];
    if (byte === QUOTE) {
      i = closingQuote(content, i);
      if (i < 0) return false;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/** Index of the quote that ends the string opened at `open`, or -1 if it never ends. */
function closingQuote(content: Buffer, open: number): number {
  let at = content.indexOf(QUOTE, open + 1);
  while (at >= 0) {
    // Escaped when an odd number of backslashes stands right before it.
    let slashes = 0;
    while (content[at - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return at;
    at = content.indexOf(QUOTE, at + 1);
  }
  return -1;
}
