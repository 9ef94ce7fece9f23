import {
  commandQueueOptions,
  deadLetterQueueOptions,
  DEFAULT_QUEUE_SETTINGS,
  retryQueueOptions,
} from './queue-arguments';

const quorum = { ...DEFAULT_QUEUE_SETTINGS, type: 'quorum' as const, deliveryLimit: 5 };

describe('queue arguments', () => {
  it('should declare classic queues as before the setting existed, so they still match', () => {
    expect(commandQueueOptions('p.', DEFAULT_QUEUE_SETTINGS)).toEqual({
      durable: true,
      arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'p.commands.dlq' },
    });
  });

  it('should bound the dead-letter queue in length and age', () => {
    expect(deadLetterQueueOptions(DEFAULT_QUEUE_SETTINGS).arguments).toEqual({
      'x-max-length': 100_000,
      'x-message-ttl': 14 * 24 * 3_600_000,
    });
  });

  it('should give quorum queues a delivery limit and at-least-once dead-lettering', () => {
    expect(commandQueueOptions('p.', quorum).arguments).toMatchObject({
      'x-queue-type': 'quorum',
      'x-delivery-limit': 5,
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    });
    expect(retryQueueOptions('p.commands', quorum).arguments).toMatchObject({
      'x-queue-type': 'quorum',
      'x-dead-letter-routing-key': 'p.commands',
      'x-dead-letter-strategy': 'at-least-once',
    });
    expect(retryQueueOptions('p.commands', quorum).arguments).not.toHaveProperty('x-delivery-limit');
    expect(deadLetterQueueOptions(quorum).arguments).toMatchObject({ 'x-queue-type': 'quorum' });
  });
});
