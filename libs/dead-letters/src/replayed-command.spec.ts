import type { MessagePropertyHeaders } from 'amqplib';
import { MessageHeader, RejectedMessageError } from '@app/messaging';
import { signingKey, verifiedBytes, verifiedCommand } from '@app/signing';
import { readDeadLetter } from './dead-letter';
import {
  DATA,
  deadCommand,
  death,
  KEY,
  MESSAGE_ID,
  PATTERN,
  PREVIOUS_KEY,
  SIGNED_AT,
  TENANT,
  getMessage,
} from './dead-letter.testing';
import { replayedCommand, ReplayOptions, signingClock } from './replayed-command';

const NOW = SIGNED_AT + 3_600_000;
const REPLY_QUEUE = 'amq.gen-replay';
const OPTIONS: ReplayOptions = {
  key: KEY,
  keys: [KEY, PREVIOUS_KEY],
  acceptV1: false,
  deadlineMs: 30_000,
  inboxRetentionMs: 24 * 3_600_000,
};

function replay(message = deadCommand(), options = OPTIONS) {
  return replayedCommand(
    message,
    readDeadLetter(message),
    options,
    { replyTo: REPLY_QUEUE, correlationId: 'new-correlation' },
    NOW,
  );
}

/** The replay as the worker receives it. */
function delivered({ content, options }: ReturnType<typeof replay>) {
  const message = getMessage('', options.headers as MessagePropertyHeaders, options.messageId, {
    replyTo: options.replyTo,
    correlationId: options.correlationId,
  });
  return { ...message, content };
}

describe(replayedCommand.name, () => {
  it('should re-sign a genuine dead letter with a fresh time and deadline, the rest kept', () => {
    const message = deadCommand(undefined, {
      [MessageHeader.DeadLetterReason]: 'transient error: X',
      [MessageHeader.SourceQueue]: 'x.jobs',
      [MessageHeader.Attempt]: 8,
      'x-death': [death('expired')],
      'x-first-death-reason': 'expired',
    });

    const { content, options, expectsReply } = replay(message);

    expect(content).toBe(message.content);
    expect(expectsReply).toBe(true);
    expect(options).toMatchObject({
      persistent: true,
      mandatory: true,
      messageId: MESSAGE_ID,
      correlationId: 'new-correlation',
      replyTo: REPLY_QUEUE,
      expiration: '30000',
    });
    expect(options.headers).toEqual({
      [MessageHeader.TenantId]: TENANT,
      [MessageHeader.UserId]: 'u-1',
      [MessageHeader.CorrelationId]: 'trace-1',
      [MessageHeader.Deadline]: String(NOW + 30_000),
      [MessageHeader.SignedAt]: String(NOW),
      [MessageHeader.Signature]: expect.stringMatching(/^v2=/),
    });
  });

  it('should produce a message the worker verifies, over the same tenant, user, id and body', () => {
    const republished = delivered(replay());

    const { fields } = verifiedCommand(
      [KEY],
      republished,
      { tenantId: TENANT, userId: 'u-1' },
      {
        pattern: PATTERN,
        data: DATA,
      },
    );

    expect(fields).toMatchObject({ messageId: MESSAGE_ID, signedAt: NOW, deadline: String(NOW + 30_000) });
  });

  it('should accept a dead letter signed with the previous key, and sign the replay with the current one', () => {
    const republished = delivered(replay(deadCommand({ key: PREVIOUS_KEY })));
    const packet = { pattern: PATTERN, data: DATA };
    const identity = { tenantId: TENANT, userId: 'u-1' };

    expect(() => verifiedCommand([KEY], republished, identity, packet)).not.toThrow();
    expect(() => verifiedCommand([PREVIOUS_KEY], republished, identity, packet)).toThrow(/signature invalid/);
  });

  it('should ask no answer of an event, which the worker never answers', () => {
    const replayed = replay(deadCommand({ id: null }));
    const { options, expectsReply } = replayed;

    expect(expectsReply).toBe(false);
    expect(options.replyTo).toBeUndefined();
    expect(() =>
      verifiedCommand(
        [KEY],
        delivered(replayed),
        { tenantId: TENANT, userId: 'u-1' },
        { pattern: PATTERN, data: DATA },
      ),
    ).not.toThrow();
  });

  it('should sign the replay for its own reply queue and correlation id, which the worker checks', () => {
    const replayed = replay();
    const identity = { tenantId: TENANT, userId: 'u-1' };
    const packet = { pattern: PATTERN, data: DATA };

    expect(() =>
      verifiedCommand(
        [KEY],
        {
          ...delivered(replayed),
          properties: { ...delivered(replayed).properties, replyTo: 'amq.gen-attacker' },
        },
        identity,
        packet,
      ),
    ).toThrow(/signature invalid/);
  });

  it('should replay a dead letter signed in the format before v2 only while that format is accepted', () => {
    const old = deadCommand({ v1: true });

    expect(() => replay(old)).toThrow(/signature format v1 is no longer accepted/);
    const replayed = replay(old, { ...OPTIONS, acceptV1: true });
    const headers = replayed.options.headers as MessagePropertyHeaders;
    expect(headers[MessageHeader.Signature]).toMatch(/^v2=/);
    // Re-signed over the same bytes, so a worker checks it before parsing, without accepting v1.
    expect(replayed.content).toBe(old.content);
    expect(verifiedBytes([KEY], delivered(replayed)).key).toBe(KEY);
  });

  it.each([
    [
      'signed with another key',
      deadCommand({ key: signingKey('an-attacker-chosen-key-0123456789abcdef') }),
      /signature invalid/,
    ],
    [
      're-addressed to another tenant',
      deadCommand(undefined, { [MessageHeader.TenantId]: '11111111-1111-4111-8111-111111111111' }),
      /signature invalid/,
    ],
    [
      'with its user changed',
      deadCommand(undefined, { [MessageHeader.UserId]: 'admin' }),
      /signature invalid/,
    ],
    ['unsigned', deadCommand(undefined, { [MessageHeader.Signature]: undefined }), /signature missing/],
    [
      'whose reply address changed',
      getMessage(deadCommand().content.toString(), deadCommand().properties.headers ?? {}, MESSAGE_ID, {
        replyTo: 'amq.gen-attacker',
      }),
      /signature invalid/,
    ],
    ['without a tenant', deadCommand(undefined, { [MessageHeader.TenantId]: 'acme' }), /x-tenant-id/],
    ['whose body is no command', getMessage('garbage', {}), /not a command packet/],
  ])('should keep a dead letter %s dead', (_case, message, reason) => {
    expect(() => replay(message)).toThrow(RejectedMessageError);
    expect(() => replay(message)).toThrow(reason);
  });

  it('should keep dead a genuine message signed before the inbox retention, as it may have been applied', () => {
    const message = deadCommand();

    expect(() => replay(message, { ...OPTIONS, inboxRetentionMs: 3_600_000 - 1 })).toThrow(
      /before the inbox retention/,
    );
    expect(() => replay(message, { ...OPTIONS, inboxRetentionMs: 3_600_000 })).not.toThrow();
  });

  it('should keep dead a message whose body changed after signing', () => {
    const genuine = deadCommand();
    const tampered = {
      ...genuine,
      content: Buffer.from(JSON.stringify({ pattern: PATTERN, data: { name: 'Other' } })),
    };

    expect(() => replay(tampered)).toThrow(/signature invalid/);
  });
});

describe(signingClock.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it('should never give the same millisecond twice, so copies of one message differ in signature', () => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    const clock = signingClock();

    expect([clock(), clock(), clock()]).toEqual([NOW, NOW + 1, NOW + 2]);
    jest.spyOn(Date, 'now').mockReturnValue(NOW + 10);
    expect(clock()).toBe(NOW + 10);
  });
});
