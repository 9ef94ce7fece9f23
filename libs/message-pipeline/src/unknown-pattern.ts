import { Logger } from '@nestjs/common';
import type { MessageHandler, RmqContext } from '@nestjs/microservices';
import type { Channel, ConsumeMessage } from 'amqplib';
import { throwError } from 'rxjs';

// Nest's own answer, which the gateway and `npm run dlq -- replay` recognise.
const NO_HANDLER = 'There is no matching message handler defined in the remote service.';

const logger = new Logger('Messages');

/**
 * Stands in for a pattern no handler serves. Nest rejects such a message on its own channel,
 * whatever channel it came on: one from the jobs queue made the broker close the command queue's
 * channel (unknown delivery tag) and, delivered again after the reconnect, did so forever. This
 * rejects it on the channel it came on (its queue dead-letters it, `x-death` reason `rejected`,
 * as before) and answers as Nest does.
 */
export const unknownPattern: MessageHandler<unknown, RmqContext> = (_data, context) => {
  if (context) {
    const message = context.getMessage() as ConsumeMessage;
    try {
      (context.getChannelRef() as Channel).nack(message, false, false);
    } catch {
      // The channel closed meanwhile: the broker delivers the message again.
    }
    // Quoted: the pattern is the sender's, and must not forge log lines.
    logger.warn(
      `No handler for ${JSON.stringify(context.getPattern()).slice(0, 120)} (from ${message.fields.routingKey}); rejected`,
    );
  }
  return Promise.resolve(throwError(() => NO_HANDLER));
};
