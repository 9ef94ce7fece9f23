import type { ConsumeMessage } from 'amqplib';
import { KeyObject } from 'node:crypto';
import { signReply } from '@app/signing';

interface Answerable {
  key: KeyObject;
  tenantId: string;
}

/**
 * The requests the worker answers in its own name: those whose signature the pipeline checked, each
 * with the key that signed it. One per process: the pipeline (a Nest provider) marks a request
 * here, and the transport (CommandServer) signs its reply as it publishes it; they meet here, as in
 * in-flight.ts. Keyed by the delivered message, so nothing outlives it.
 */
class ReplySignatures {
  private readonly answerable = new WeakMap<ConsumeMessage, Answerable>();

  /** The request's signature checked: its replies are signed with the same key, for its tenant. */
  answerAs(message: ConsumeMessage, key: KeyObject, tenantId: string): void {
    this.answerable.set(message, { key, tenantId });
  }

  /**
   * The reply's signature, over the request it answers and its bytes; undefined for a request the
   * pipeline did not authenticate (forged, a replayed copy, no handler): that reply goes unsigned,
   * and a gateway drops it.
   */
  sign(message: ConsumeMessage, correlationId: string, content: Buffer): string | undefined {
    const answerable = this.answerable.get(message);
    const messageId: unknown = message.properties.messageId;
    if (!answerable || typeof messageId !== 'string') return undefined;
    return signReply(answerable.key, { tenantId: answerable.tenantId, messageId, correlationId, content });
  }
}

export const replySignatures = new ReplySignatures();
