import { MessageHeader } from '@app/messaging';
import { readDeadLetter } from './dead-letter';
import { matchesFilter } from './dead-letter.filter';
import {
  DATA,
  deadCommand,
  death,
  getMessage,
  MESSAGE_ID,
  PATTERN,
  SIGNED_AT,
  TENANT,
} from './dead-letter.testing';

describe(readDeadLetter.name, () => {
  it('should read what the worker left on its own dead letter', () => {
    const letter = readDeadLetter(
      deadCommand(undefined, {
        [MessageHeader.DeadLetterReason]: 'transient error: DatabaseUnavailableError',
        [MessageHeader.Attempt]: 8,
        [MessageHeader.SourceQueue]: 'x.jobs',
      }),
    );

    expect(letter).toEqual({
      messageId: MESSAGE_ID,
      packet: { pattern: PATTERN, data: DATA },
      isRequest: true,
      tenantId: TENANT,
      userId: 'u-1',
      reason: 'transient error: DatabaseUnavailableError',
      attempts: 8,
      signedAt: SIGNED_AT,
      sourceQueue: 'x.jobs',
    });
  });

  it("should take RabbitMQ's reason, newest death first, when the worker gave none", () => {
    const letter = readDeadLetter(
      deadCommand(undefined, {
        'x-death': [death('expired'), death('rejected')],
      }),
    );

    expect(letter.reason).toBe('expired (x-death)');
    expect(letter.sourceQueue).toBe('x.commands');
    expect(letter.attempts).toBeUndefined();
  });

  it('should tell an event (no packet id) from a request', () => {
    expect(readDeadLetter(deadCommand({ id: null })).isRequest).toBe(false);
  });

  it('should still describe a message whose body or headers are garbage', () => {
    const letter = readDeadLetter(getMessage('not json', { [MessageHeader.SignedAt]: 'soon' }));

    expect(letter).toEqual({
      messageId: undefined,
      packet: undefined,
      isRequest: false,
      tenantId: undefined,
      userId: undefined,
      reason: 'unknown',
      attempts: undefined,
      signedAt: undefined,
      sourceQueue: undefined,
    });
  });
});

describe(matchesFilter.name, () => {
  const letter = readDeadLetter(deadCommand());

  it.each([
    [{}, true],
    [{ id: MESSAGE_ID }, true],
    [{ id: MESSAGE_ID.slice(0, 8) }, false],
    [{ reason: 'DEADLINE' }, true],
    [{ reason: 'signature' }, false],
    [{ tenant: TENANT.toUpperCase() }, true],
    [{ tenant: '11111111-1111-4111-8111-111111111111' }, false],
    [{ reason: 'deadline', tenant: '11111111-1111-4111-8111-111111111111' }, false],
  ])('should match %p: %p', (filter, expected) => {
    expect(matchesFilter(filter, letter)).toBe(expected);
  });
});
