import { Logger } from '@nestjs/common';
import { DomainError } from '@app/errors';
import type { Delivery, Settlement } from './delivery';

const logger = new Logger('Messages');

/** What became of a handled message; a domain error and an answer from the inbox are acked too. */
export type MessageOutcome = Settlement | 'answered' | 'domain error' | 'unsettled';

/** A message at the end of the pipeline, as far as its closing line needs it. */
export interface HandledMessage {
  packet: { pattern: string };
  delivery: Delivery;
  /** Why its work failed, if it did. */
  failure?: unknown;
  /** Answered from the inbox: an earlier delivery of it was applied. */
  answeredBefore?: boolean;
  /** The error code its caller was answered with, if it was refused or failed. */
  answerCode?: string;
}

function outcomeOf(message: HandledMessage): { outcome: MessageOutcome; errorCode?: string } {
  const { delivery, failure } = message;
  switch (delivery.settlement) {
    case undefined:
      return { outcome: 'unsettled' };
    case 'acked':
      if (message.answeredBefore) return { outcome: 'answered' };
      if (failure instanceof DomainError) return { outcome: 'domain error', errorCode: failure.code };
      return { outcome: 'acked' };
    case 'retried':
      return { outcome: 'retried' };
    case 'dead-lettered':
      return { outcome: 'dead-lettered', errorCode: message.answerCode };
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
