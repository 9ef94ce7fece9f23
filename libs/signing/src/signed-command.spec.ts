import type { Message } from 'amqplib';
import fc from 'fast-check';
import { MessageHeader } from '@app/messaging';
import { signingKey } from './message-signature';
import { signedFieldsOf, signedPublish, verifiedBytes } from './signed-command';

const KEY = signingKey('unit-test-message-signing-key-0123456789');
const CONTENT = Buffer.from(
  JSON.stringify({ pattern: 'projects.create.v1', data: { name: 'Apollo' }, id: 'c1' }),
);
const OPTIONS = {
  messageId: '22222222-2222-4222-8222-222222222222',
  replyTo: 'amq.gen-gateway',
  correlationId: 'c1',
  persistent: true,
  headers: {
    [MessageHeader.TenantId]: '11111111-1111-4111-8111-111111111111',
    [MessageHeader.UserId]: 'u',
    [MessageHeader.CorrelationId]: 'trace',
    [MessageHeader.TraceParent]: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    [MessageHeader.Deadline]: '1700000005000',
    [MessageHeader.SignedAt]: '1700000000000',
  },
};

/** The message as a worker receives it, with the given changes on the way. */
function delivered(
  content: Buffer,
  properties: { headers: Record<string, unknown>; [name: string]: unknown },
): Message {
  return { content, fields: {}, properties } as unknown as Message;
}

describe(verifiedBytes.name, () => {
  const signed = signedPublish(KEY, CONTENT, OPTIONS);

  it('should verify the options a sender signed, with the bytes it sent', () => {
    const { key, fields } = verifiedBytes([KEY], delivered(CONTENT, signed));

    expect(key).toBe(KEY);
    expect(fields).toEqual({
      tenantId: OPTIONS.headers[MessageHeader.TenantId],
      userId: 'u',
      messageId: OPTIONS.messageId,
      signedAt: 1_700_000_000_000,
      deadline: '1700000005000',
      replyTo: 'amq.gen-gateway',
      correlationId: 'c1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      correlationHeader: 'trace',
    });
  });

  it('should read a header amqplib hands over as bytes as its text', () => {
    const headers = { ...signed.headers, [MessageHeader.UserId]: Buffer.from('u') };

    expect(verifiedBytes([KEY], delivered(CONTENT, { ...signed, headers })).key).toBe(KEY);
  });

  it('should refuse any byte of the body changed, added or taken away', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: CONTENT.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        fc.constantFrom('flip', 'insert', 'delete'),
        (at, value, how) => {
          const bytes = [...CONTENT];
          if (how === 'flip') bytes[at] ^= value;
          else if (how === 'insert') bytes.splice(at, 0, value);
          else bytes.splice(at, 1);

          expect(() => verifiedBytes([KEY], delivered(Buffer.from(bytes), signed))).toThrow(
            'signature invalid',
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each<[string, object]>([
    ['another tenant', { headers: { [MessageHeader.TenantId]: '33333333-3333-4333-8333-333333333333' } }],
    ['another user', { headers: { [MessageHeader.UserId]: 'admin' } }],
    ['no user', { headers: { [MessageHeader.UserId]: undefined } }],
    ['another time', { headers: { [MessageHeader.SignedAt]: '1700000000001' } }],
    ['another deadline', { headers: { [MessageHeader.Deadline]: '1700009999999' } }],
    ['no deadline', { headers: { [MessageHeader.Deadline]: undefined } }],
    ['another message id', { messageId: '44444444-4444-4444-8444-444444444444' }],
    ['another reply address', { replyTo: 'amq.gen-attacker' }],
    ['no reply address', { replyTo: undefined }],
    ['another correlation id', { correlationId: 'c2' }],
    [
      'another traceparent',
      { headers: { [MessageHeader.TraceParent]: '00-11111111111111111111111111111111-b7ad6b7169203331-01' } },
    ],
    ['no traceparent', { headers: { [MessageHeader.TraceParent]: undefined } }],
    ['another correlation header', { headers: { [MessageHeader.CorrelationId]: 'forged' } }],
    ['no correlation header', { headers: { [MessageHeader.CorrelationId]: undefined } }],
  ])('should refuse a message with %s than was signed', (_case, change) => {
    const { headers, ...properties } = change as { headers?: Record<string, unknown> };
    const message = delivered(CONTENT, {
      ...signed,
      ...properties,
      headers: { ...signed.headers, ...headers },
    });

    expect(() => verifiedBytes([KEY], message)).toThrow('signature invalid');
  });

  it.each<[string, object, string]>([
    ['no signature', { [MessageHeader.Signature]: undefined }, 'signature missing'],
    ['no time', { [MessageHeader.SignedAt]: undefined }, 'signature fields missing'],
    ['a time that is no integer', { [MessageHeader.SignedAt]: '1.5' }, 'signature fields missing'],
    ['a tenant that is not text', { [MessageHeader.TenantId]: 7 }, 'signature fields missing'],
    ['a deadline that is not text', { [MessageHeader.Deadline]: 1700009999999 }, 'signature fields missing'],
    ['a traceparent that is not text', { [MessageHeader.TraceParent]: 7 }, 'signature fields missing'],
    [
      'a correlation header that is not text',
      { [MessageHeader.CorrelationId]: [] },
      'signature fields missing',
    ],
    ['a junk signature', { [MessageHeader.Signature]: 'junk' }, 'signature invalid'],
  ])('should refuse a message with %s', (_case, headers, reason) => {
    const message = delivered(CONTENT, { ...signed, headers: { ...signed.headers, ...headers } });

    expect(() => verifiedBytes([KEY], message)).toThrow(reason);
  });
});

describe(signedFieldsOf.name, () => {
  it('should take an absent header or address for empty, as the worker does', () => {
    const fields = signedFieldsOf({
      messageId: 'm',
      headers: { [MessageHeader.SignedAt]: '1' },
    });

    expect(fields).toEqual({
      tenantId: '',
      userId: '',
      messageId: 'm',
      signedAt: 1,
      deadline: '',
      replyTo: '',
      correlationId: '',
      traceparent: '',
      correlationHeader: '',
    });
  });
});

describe(signedPublish.name, () => {
  it('should refuse to sign options without a message id or time: nothing unsigned leaves', () => {
    expect(() => signedPublish(KEY, CONTENT, { ...OPTIONS, messageId: undefined })).toThrow(/lacks a field/);
    expect(() => signedPublish(KEY, CONTENT, { headers: {} })).toThrow(/lacks a field/);
  });
});
