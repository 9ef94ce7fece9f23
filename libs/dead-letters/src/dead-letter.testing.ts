// The unit specs' dead letters: messages as the worker or RabbitMQ leave them in the queue.
import type { GetMessage, MessagePropertyHeaders, XDeath } from 'amqplib';
import { MessageHeader } from '@app/messaging';
import { createHash, createHmac } from 'node:crypto';
import { MessagePacket, signCommand, SignedFields, signingKey } from '@app/signing';

export const KEY = signingKey('unit-test-message-signing-key-0123456789');
export const PREVIOUS_KEY = signingKey('unit-test-previous-signing-key-0123456789');
export const TENANT = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
export const MESSAGE_ID = '22222222-2222-4222-8222-222222222222';
export const PATTERN = 'projects.create.v1';
export const DATA = { name: 'Apollo' };
export const SIGNED_AT = 1_700_000_000_000;

export function getMessage(
  content: string,
  headers: MessagePropertyHeaders,
  messageId?: string,
  address: { replyTo?: string; correlationId?: string } = {},
): GetMessage {
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
      replyTo: 'amq.gen-gone',
      ...address,
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

/** A signature in the format before v2: newline-joined fields, no reply address (as a gateway then made it). */
function signV1(key: typeof KEY, fields: SignedFields, { pattern, data }: MessagePacket): string {
  const body = createHash('sha256').update(JSON.stringify(data)).digest('base64url');
  const { tenantId, userId, messageId, signedAt, deadline } = fields;
  const text = ['v1', tenantId, userId, messageId, pattern, String(signedAt), deadline, body].join('\n');
  return `v1=${createHmac('sha256', key).update(text).digest('base64url')}`;
}

/** One entry of the x-death header RabbitMQ adds when it dead-letters a message itself. */
export function death(reason: XDeath['reason']): XDeath {
  const time = { '!': 'timestamp' as const, value: SIGNED_AT / 1000 };
  return { count: 1, reason, queue: 'x.commands', time, exchange: '', 'routing-keys': ['x.commands'] };
}

/** A command the gateway signed with `key`, dead-lettered by the worker with `extra` headers. */
export function deadCommand(
  {
    key = KEY,
    id = 'nest-request-id',
    v1 = false,
  }: { key?: typeof KEY; id?: string | null; v1?: boolean } = {},
  extra: MessagePropertyHeaders = { [MessageHeader.DeadLetterReason]: 'Message rejected: deadline passed' },
): GetMessage {
  const deadline = String(SIGNED_AT + 5000);
  const fields: SignedFields = {
    tenantId: TENANT,
    userId: 'u-1',
    messageId: MESSAGE_ID,
    signedAt: SIGNED_AT,
    deadline,
    // As getMessage leaves them on the dead letter: the worker keeps what the signature covers.
    replyTo: 'amq.gen-gone',
    correlationId: 'old-correlation',
    traceparent: '',
    correlationHeader: 'trace-1',
  };
  const body = JSON.stringify({ pattern: PATTERN, data: DATA, ...(id === null ? {} : { id }) });
  const headers = {
    [MessageHeader.TenantId]: TENANT,
    [MessageHeader.UserId]: 'u-1',
    [MessageHeader.CorrelationId]: 'trace-1',
    [MessageHeader.Deadline]: deadline,
    [MessageHeader.SignedAt]: String(SIGNED_AT),
    [MessageHeader.Signature]: v1
      ? signV1(key, fields, { pattern: PATTERN, data: DATA })
      : signCommand(key, fields, Buffer.from(body)),
    ...extra,
  };
  return getMessage(body, headers, MESSAGE_ID);
}
