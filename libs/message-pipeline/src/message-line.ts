import { Logger } from '@nestjs/common';
import type { Delivery, MessageOutcome } from './delivery';

const logger = new Logger('Messages');

/** What became of a handled message, as its line says: an answer from the inbox is acked too. */
type LineOutcome = MessageOutcome | 'answered' | 'unsettled';

/** A message at the end of the pipeline, as far as its closing line needs it. */
export interface HandledMessage {
  packet: { pattern: string };
  delivery: Delivery;
  /** Answered from the inbox: an earlier delivery of it was applied. */
  answeredBefore?: boolean;
  /** The error code its caller was answered with, if it was refused or failed. */
  answerCode?: string;
}

function outcomeOf(message: HandledMessage): { outcome: LineOutcome; errorCode?: string } {
  const { outcome } = message.delivery;
  switch (outcome) {
    case undefined:
      return { outcome: 'unsettled' };
    case 'acked':
      return { outcome: message.answeredBefore ? 'answered' : 'acked' };
    case 'retried':
      return { outcome };
    case 'domain error':
    case 'dead-lettered':
      return { outcome, errorCode: message.answerCode };
  }
}

/**
 * The one line per message that went through the pipeline: its pattern, what became of it and
 * how long it took. Logged inside the message's CLS context, so it carries the tenant, user and
 * correlation id once the message was authenticated (LoggingModule).
 */
export function logHandled(message: HandledMessage, durationMs: number): void {
  const { outcome, errorCode } = outcomeOf(message);
  const line = {
    msg: 'message handled',
    pattern: message.packet.pattern,
    outcome,
    errorCode,
    attempt: message.delivery.attempt,
    durationMs: Math.round(durationMs),
  };
  if (outcome === 'acked' || outcome === 'answered' || outcome === 'domain error') logger.log(line);
  else logger.warn(line);
}
