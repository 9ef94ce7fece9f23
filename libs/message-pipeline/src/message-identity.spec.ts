import type { ConsumeMessage, MessagePropertyHeaders } from 'amqplib';
import { MessageHeader, RejectedMessageError } from '@app/messaging';
import { assertNotExpired, readIdentity } from './message-identity';

const TENANT = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

function message(headers: MessagePropertyHeaders | undefined): ConsumeMessage {
  return {
    content: Buffer.from('{}'),
    fields: {
      deliveryTag: 1,
      redelivered: false,
      exchange: '',
      routingKey: 'projects',
      consumerTag: 'ctag',
    },
    properties: {
      contentType: 'application/json',
      contentEncoding: undefined,
      headers,
      deliveryMode: undefined,
      priority: undefined,
      correlationId: undefined,
      replyTo: undefined,
      expiration: undefined,
      messageId: undefined,
      timestamp: undefined,
      type: undefined,
      userId: undefined,
      appId: undefined,
      clusterId: undefined,
    },
  };
}

function identityHeaders(overrides: MessagePropertyHeaders = {}): MessagePropertyHeaders {
  return {
    [MessageHeader.TenantId]: TENANT,
    [MessageHeader.UserId]: 'user-1',
    [MessageHeader.CorrelationId]: 'corr-1',
    ...overrides,
  };
}

describe(readIdentity.name, () => {
  it('should read tenant, user and correlation id from the headers', () => {
    expect(readIdentity(message(identityHeaders()))).toEqual({
      tenantId: TENANT,
      userId: 'user-1',
      correlationId: 'corr-1',
    });
  });

  it('should decode Buffer-valued headers as utf8', () => {
    const headers = {
      [MessageHeader.TenantId]: Buffer.from(TENANT),
      [MessageHeader.UserId]: Buffer.from('user-ü'),
      [MessageHeader.CorrelationId]: Buffer.from('corr-2'),
    };

    expect(readIdentity(message(headers))).toEqual({
      tenantId: TENANT,
      userId: 'user-ü',
      correlationId: 'corr-2',
    });
  });

  it('should lower-case an upper-case tenant uuid', () => {
    const identity = readIdentity(
      message(identityHeaders({ [MessageHeader.TenantId]: TENANT.toUpperCase() })),
    );

    expect(identity.tenantId).toBe(TENANT);
  });

  it('should default a missing or oversized correlation id to an empty string', () => {
    const missing = identityHeaders();
    delete missing[MessageHeader.CorrelationId];

    expect(readIdentity(message(missing)).correlationId).toBe('');
    expect(
      readIdentity(message(identityHeaders({ [MessageHeader.CorrelationId]: 'c'.repeat(201) })))
        .correlationId,
    ).toBe('');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['not a uuid', 'tenant-a'],
    ['SQL-looking', `${TENANT}'; DROP TABLE projects; --`],
    ['a number', 42],
  ])('should reject a tenant header that is %s', (_label, value) => {
    const headers = identityHeaders();
    if (value === undefined) delete headers[MessageHeader.TenantId];
    else headers[MessageHeader.TenantId] = value;

    expect(() => readIdentity(message(headers))).toThrow(RejectedMessageError);
    expect(() => readIdentity(message(headers))).toThrow(
      `Message rejected: ${MessageHeader.TenantId} header is missing or not a uuid`,
    );
  });

  it('should reject a message without any headers', () => {
    expect(() => readIdentity(message(undefined))).toThrow(RejectedMessageError);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['longer than 200 characters', 'u'.repeat(201)],
    ['not a string', 7],
  ])('should reject a user id header that is %s', (_label, value) => {
    const headers = identityHeaders();
    if (value === undefined) delete headers[MessageHeader.UserId];
    else headers[MessageHeader.UserId] = value;

    expect(() => readIdentity(message(headers))).toThrow(
      new RejectedMessageError(`${MessageHeader.UserId} header is missing or invalid`),
    );
  });
});

describe(assertNotExpired.name, () => {
  const NOW = 1_700_000_000_000;

  it('should accept a message without a deadline header', () => {
    expect(assertNotExpired(message(identityHeaders()), NOW)).toBeUndefined();
  });

  it('should accept a deadline in the future, as a number, string or Buffer', () => {
    for (const deadline of [NOW + 1, String(NOW + 1000), Buffer.from(String(NOW + 5))]) {
      expect(
        assertNotExpired(message(identityHeaders({ [MessageHeader.Deadline]: deadline })), NOW),
      ).toBeUndefined();
    }
  });

  it('should accept a message whose deadline is exactly now', () => {
    expect(
      assertNotExpired(message(identityHeaders({ [MessageHeader.Deadline]: NOW })), NOW),
    ).toBeUndefined();
  });

  it('should reject a message whose deadline has passed', () => {
    const expired = message(identityHeaders({ [MessageHeader.Deadline]: NOW - 250 }));

    expect(() => assertNotExpired(expired, NOW)).toThrow(
      new RejectedMessageError('deadline passed 250 ms ago'),
    );
  });

  it('should compare against Date.now() by default', () => {
    const expired = message(identityHeaders({ [MessageHeader.Deadline]: Date.now() - 60_000 }));

    expect(() => assertNotExpired(expired)).toThrow(RejectedMessageError);
  });

  it.each([['soon'], ['12abc'], [Buffer.from('never')]])(
    'should reject a non-numeric deadline %p',
    (deadline) => {
      const bad = message(identityHeaders({ [MessageHeader.Deadline]: deadline }));

      expect(() => assertNotExpired(bad, NOW)).toThrow(
        new RejectedMessageError(`${MessageHeader.Deadline} header is not a number`),
      );
    },
  );
});
