import { Logger } from '@nestjs/common';
import { RmqContext } from '@nestjs/microservices';
import type { ConsumeMessage } from 'amqplib';
import { lastValueFrom, Observable } from 'rxjs';
import { unknownPattern } from './unknown-pattern';

const message = { fields: { deliveryTag: 3, routingKey: 'p.jobs' }, properties: {} } as ConsumeMessage;

describe('unknownPattern', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('should reject the message on the channel it came on, and answer as Nest does', async () => {
    const nack = jest.fn();
    const context = new RmqContext([message, { nack }, 'x.v1']);

    const answer = (await unknownPattern({}, context)) as Observable<unknown>;

    expect(nack).toHaveBeenCalledWith(message, false, false);
    await expect(lastValueFrom(answer)).rejects.toBe(
      'There is no matching message handler defined in the remote service.',
    );
  });

  it('should quote the pattern in its log line, so that it cannot forge another', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const context = new RmqContext([message, { nack: jest.fn() }, 'a\nERROR forged']);

    await unknownPattern({}, context);

    expect(warn).toHaveBeenCalledWith('No handler for "a\\nERROR forged" (from p.jobs); rejected');
  });
});
