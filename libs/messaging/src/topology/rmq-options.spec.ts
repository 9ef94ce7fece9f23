import { DEFAULT_QUEUE_SETTINGS } from './queue-arguments';
import { commandClientOptions, commandServerOptions } from './rmq-options';

const broker = { url: 'amqp://localhost', queuePrefix: 'p.', queues: DEFAULT_QUEUE_SETTINGS };

describe('RMQ options', () => {
  // Nagle's algorithm with delayed ACKs held each small frame ~40 ms: a request at idle took 50 ms.
  it('should turn Nagle off on both sides of the command queue', () => {
    const expected = { connectionOptions: { noDelay: true } };
    expect(commandServerOptions({ ...broker, prefetch: 1 }).options.socketOptions).toEqual(expected);
    expect(commandClientOptions(broker).socketOptions).toEqual(expected);
  });
});
