import {
  commandQueueOptions,
  deadLetterQueueOptions,
  DEFAULT_QUEUE_SETTINGS,
  jobQueueOptions,
  retryQueueOptions,
} from './queue-arguments';

const quorum = { ...DEFAULT_QUEUE_SETTINGS, type: 'quorum' as const, deliveryLimit: 5 };
const bounded = { ...DEFAULT_QUEUE_SETTINGS, maxLength: 10, maxBytes: 4096, deadLetterMaxBytes: 8192 };

describe('queue arguments', () => {
  it('should declare classic queues without a type, dead-lettering to the DLQ', () => {
    expect(commandQueueOptions('p.', DEFAULT_QUEUE_SETTINGS)).toEqual({
      durable: true,
      arguments: {
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': 'p.commands.dlq',
        'x-max-length': 100_000,
        'x-max-length-bytes': 256 * 1024 * 1024,
        'x-overflow': 'reject-publish',
      },
    });
  });

  it.each([
    ['command', commandQueueOptions('p.', bounded)],
    ['jobs', jobQueueOptions('p.', bounded)],
    ['retry', retryQueueOptions('p.commands', bounded)],
    ['quorum command', commandQueueOptions('p.', { ...bounded, type: 'quorum' })],
    ['quorum retry', retryQueueOptions('p.jobs', { ...bounded, type: 'quorum' })],
  ])('should bound the %s queue in length and bytes, refusing publishes when full', (_name, options) => {
    expect(options.arguments).toMatchObject({
      'x-max-length': 10,
      'x-max-length-bytes': 4096,
      'x-overflow': 'reject-publish',
    });
  });

  it('should bound the dead-letter queue in length, bytes and age, dropping the oldest', () => {
    expect(deadLetterQueueOptions(bounded).arguments).toEqual({
      'x-max-length': 100_000,
      'x-max-length-bytes': 8192,
      'x-overflow': 'drop-head',
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
