import type { ConsumeMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { MessageHeader, RejectedMessageError, StaleSignatureError } from '@app/messaging';
import { commandV1, contentDigest, SignedFields } from './canonical-form';
import { seal } from './mac';
import { MessageAuthenticator } from './message-authenticator';
import { signCommand, signingKey } from './message-signature';

// The real digest, counted.
jest.mock('./canonical-form', () => {
  const actual = jest.requireActual<typeof import('./canonical-form')>('./canonical-form');
  return { ...actual, contentDigest: jest.fn(actual.contentDigest) };
});

const KEY = signingKey('unit-test-message-signing-key-0123456789');
const PREVIOUS = signingKey('unit-test-previous-signing-key-0123456789');
const MAX_AGE = 60_000;
const SKEW = 30_000;
const NOW = 1_700_000_000_000;
const TENANT = '11111111-1111-4111-8111-111111111111';
const IDENTITY = { tenantId: TENANT, userId: 'u', correlationId: 'c' };
const PACKET = { pattern: 'projects.get.v1', data: { id: 'p1' } };

/** A delivered command signed at `signedAt`, with the reply address it was signed for. */
function command(
  signedAt: number,
  {
    key = KEY,
    replyTo = 'amq.gen-gateway',
    v1 = false,
    content = Buffer.from(JSON.stringify(PACKET)),
    traceparent = '',
  } = {},
): ConsumeMessage {
  const fields: SignedFields = {
    tenantId: TENANT,
    userId: 'u',
    messageId: randomUUID(),
    signedAt,
    deadline: '',
    replyTo,
    correlationId: 'corr-1',
    traceparent,
    correlationHeader: '',
  };
  const signature = v1 ? seal(key, 'v1', commandV1(fields, PACKET)) : signCommand(key, fields, content);
  return {
    content,
    fields: { deliveryTag: 1, redelivered: false, exchange: '', routingKey: 'q', consumerTag: 't' },
    properties: {
      headers: {
        [MessageHeader.TenantId]: TENANT,
        [MessageHeader.UserId]: 'u',
        [MessageHeader.SignedAt]: String(signedAt),
        [MessageHeader.Signature]: signature,
        ...(traceparent ? { [MessageHeader.TraceParent]: traceparent } : {}),
      },
      messageId: fields.messageId,
      replyTo: 'amq.gen-gateway',
      correlationId: 'corr-1',
    },
  } as unknown as ConsumeMessage;
}

function authenticator(acceptV1 = false) {
  return new MessageAuthenticator({ keys: [KEY, PREVIOUS], maxAgeMs: MAX_AGE, maxSkewMs: SKEW, acceptV1 });
}

describe(MessageAuthenticator.name, () => {
  it('should give the key that signed, to sign the reply with (the previous one during a rotation)', () => {
    const auth = authenticator();

    expect(auth.authenticate(command(NOW), IDENTITY, PACKET, {}, NOW)).toEqual({
      key: KEY,
      signedAt: NOW,
      traceparent: '',
    });
    expect(auth.authenticate(command(NOW, { key: PREVIOUS }), IDENTITY, PACKET, {}, NOW).key).toBe(PREVIOUS);
  });

  it('should give the traceparent a v2 signature covers, and none under v1 (which does not cover it)', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

    expect(authenticator().authenticate(command(NOW, { traceparent }), IDENTITY, PACKET, {}, NOW)).toEqual(
      expect.objectContaining({ traceparent }),
    );
    expect(
      authenticator(true).authenticate(command(NOW, { traceparent, v1: true }), IDENTITY, PACKET, {}, NOW),
    ).toEqual(expect.objectContaining({ key: KEY, traceparent: '' }));
  });

  it('should refuse a command sent to another reply address than it was signed for', () => {
    expect(() =>
      authenticator().authenticate(command(NOW, { replyTo: 'amq.gen-other' }), IDENTITY, PACKET, {}, NOW),
    ).toThrow(/signature invalid/);
  });

  it('should check the bytes once, before anything parses them, and not again when authenticating', () => {
    const auth = authenticator();
    // Signed bytes that are not even JSON: the signature is over the bytes, not over what they parse to.
    const message = command(NOW, { content: Buffer.from('not json at all {') });
    const parse = jest.spyOn(JSON, 'parse');

    expect(() => auth.checkBytes(message)).not.toThrow();
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
    const tampered = { ...message, content: Buffer.from('not json at all [') };
    expect(() => auth.checkBytes(tampered)).toThrow(/signature invalid/);
    expect(auth.authenticate(message, IDENTITY, PACKET, {}, NOW).key).toBe(KEY);
  });

  it('should hash a delivery once (a body may be 33 MiB), however often it is checked', () => {
    const auth = authenticator();
    const message = command(NOW);
    jest.mocked(contentDigest).mockClear();

    auth.checkBytes(message);
    auth.checkBytes(message);
    auth.authenticate(message, IDENTITY, PACKET, {}, NOW);

    expect(contentDigest).toHaveBeenCalledTimes(1);
    expect(contentDigest).toHaveBeenCalledWith(message.content);
  });

  it('should refuse a command whose bytes changed after signing, before parsing them', () => {
    const message = command(NOW);
    const tampered = { ...message, content: Buffer.from(JSON.stringify({ ...PACKET, data: { id: 'p2' } })) };

    expect(() => authenticator().checkBytes(tampered)).toThrow(/signature invalid/);
  });

  it('should pass a v1 signature on arrival only while it is accepted, and check it over the parsed packet', () => {
    const message = command(NOW, { v1: true });

    expect(() => authenticator().checkBytes(message)).toThrow(/signature format v1 is no longer accepted/);
    const accepting = authenticator(true);
    expect(() => accepting.checkBytes(message)).not.toThrow();
    expect(() =>
      accepting.authenticate(message, IDENTITY, { ...PACKET, data: { id: 'p2' } }, {}, NOW),
    ).toThrow(/signature invalid/);
  });

  it('should refuse the v1 format with its own reason unless it is accepted', () => {
    expect(() => authenticator().authenticate(command(NOW, { v1: true }), IDENTITY, PACKET, {}, NOW)).toThrow(
      /signature format v1 is no longer accepted/,
    );
    expect(authenticator(true).authenticate(command(NOW, { v1: true }), IDENTITY, PACKET, {}, NOW).key).toBe(
      KEY,
    );
  });

  it('should remember a signature for as long as it stays acceptable, future-dated ones included', () => {
    const auth = authenticator();
    // Dated as far ahead as the clocks may differ: acceptable until MAX_AGE after that date.
    const message = command(NOW + SKEW);
    auth.authenticate(message, IDENTITY, PACKET, {}, NOW);
    const lastAcceptable = NOW + SKEW + MAX_AGE;
    expect(() => auth.assertFresh(NOW + SKEW, undefined, lastAcceptable)).not.toThrow();

    expect(() => auth.authenticate(message, IDENTITY, PACKET, {}, lastAcceptable)).toThrow(
      /message replayed/,
    );
  });

  it('should remember a longer-lived kind (a job batch) for its own age limit', () => {
    const auth = authenticator();
    const jobMaxAge = 3_600_000;
    const message = command(NOW);
    auth.authenticate(message, IDENTITY, PACKET, { maxAgeMs: jobMaxAge }, NOW);

    expect(() =>
      auth.authenticate(message, IDENTITY, PACKET, { maxAgeMs: jobMaxAge }, NOW + jobMaxAge),
    ).toThrow(/message replayed/);
  });

  it('should let a message retried for a transient reason through again', () => {
    const auth = authenticator();
    const message = command(NOW);
    auth.authenticate(message, IDENTITY, PACKET, {}, NOW);
    auth.forget(message);

    expect(() => auth.authenticate(message, IDENTITY, PACKET, {}, NOW + 1)).not.toThrow();
  });

  it.each([
    ['older than the age limit', NOW - MAX_AGE - 1, /signed 60001 ms ago/],
    ['dated further ahead than the clocks may differ', NOW + SKEW + 1, /dated 30001 ms ahead/],
  ])('should call a signature %s stale, a refusal for now (503)', (_case, signedAt, reason) => {
    const refusal = (() => {
      try {
        authenticator().assertFresh(signedAt, undefined, NOW);
      } catch (err) {
        return err;
      }
    })();

    expect(refusal).toBeInstanceOf(StaleSignatureError);
    expect(refusal).toBeInstanceOf(RejectedMessageError);
    expect((refusal as Error).message).toMatch(reason);
    expect((refusal as StaleSignatureError).answer).not.toMatch(/signature|ms/);
  });

  it('should accept a signature at either edge of the accepted range', () => {
    expect(() => authenticator().assertFresh(NOW - MAX_AGE, undefined, NOW)).not.toThrow();
    expect(() => authenticator().assertFresh(NOW + SKEW, undefined, NOW)).not.toThrow();
  });
});
