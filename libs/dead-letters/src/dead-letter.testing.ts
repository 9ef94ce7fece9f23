// The unit specs' dead letters: messages as the worker or RabbitMQ leave them in the queue.
import type { GetMessage, MessagePropertyHeaders, XDeath } from 'amqplib';
import { MessageHeader } from '@app/messaging';
import { signingKey, signMessage } from '@app/signing';

export const KEY = signingKey('unit-test-message-signing-key-0123456789');
export const PREVIOUS_KEY = signingKey('unit-test-previous-signing-key-0123456789');
export const TENANT = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
export const MESSAGE_ID = '22222222-2222-4222-8222-222222222222';
export const PATTERN = 'projects.create.v1';
export const DATA = { name: 'Apollo' };
export const SIGNED_AT = 1_700_000_000_000;

export function getMessage(content: string, headers: MessagePropertyHeaders, messageId?: string): GetMessage {
  return {
    content: Buffer.from(content),
    fields: {
      deliveryTag: 1,
      redelivered: false,
      exchange: '',
      routingKey: 'x.commands.dlq',
      messageCount: 0,
    },
    properties: {
      contentType: 'application/json',
      contentEncoding: undefined,
      headers,
      deliveryMode: 2,
      priority: undefined,
      correlationId: 'old-correlation',
      replyTo: 'amq.rabbitmq.reply-to.gone',
      expiration: undefined,
      messageId,
      timestamp: undefined,
      type: undefined,
      userId: undefined,
      appId: undefined,
      clusterId: undefined,
    },
  };
}

/** One entry of the x-death header RabbitMQ adds when it dead-letters a message itself. */
export function death(reason: XDeath['reason']): XDeath {
  const time = { '!': 'timestamp' as const, value: SIGNED_AT / 1000 };
  return { count: 1, reason, queue: 'x.commands', time, exchange: '', 'routing-keys': ['x.commands'] };
}

/** A command the gateway signed with `key`, dead-lettered by the worker with `extra` headers. */
export function deadCommand(
  { key = KEY, id = 'nest-request-id' }: { key?: typeof KEY; id?: string | null } = {},
  extra: MessagePropertyHeaders = { [MessageHeader.DeadLetterReason]: 'Message rejected: deadline passed' },
): GetMessage {
  const deadline = String(SIGNED_AT + 5000);
  const fields = {
    tenantId: TENANT,
    userId: 'u-1',
    messageId: MESSAGE_ID,
    pattern: PATTERN,
    signedAt: SIGNED_AT,
    deadline,
    data: DATA,
  };
  const headers = {
    [MessageHeader.TenantId]: TENANT,
    [MessageHeader.UserId]: 'u-1',
    [MessageHeader.CorrelationId]: 'trace-1',
    [MessageHeader.Deadline]: deadline,
    [MessageHeader.SignedAt]: String(SIGNED_AT),
    [MessageHeader.Signature]: signMessage(key, fields),
    ...extra,
  };
  const body = { pattern: PATTERN, data: DATA, ...(id === null ? {} : { id }) };
  return getMessage(JSON.stringify(body), headers, MESSAGE_ID);
}
