import { Logger } from '@nestjs/common';
import { MessageHandler, ServerRMQ } from '@nestjs/microservices';
import type { MessageAuthenticator } from '@app/signing';
import { CommandServer } from './command-server';

function server(): CommandServer {
  // Never listens: only the handler lookup is under test.
  return new CommandServer(
    { urls: ['amqp://127.0.0.1:1'], queue: 'test.commands' },
    {
      drainMs: 0,
      declareQueues: () => Promise.resolve(),
      maxMessageBytes: 1024,
      authenticator: {} as MessageAuthenticator,
      deadLetterQueue: 'test.dead-letters',
    },
  );
}

describe(CommandServer.name, () => {
  let lookups: jest.SpyInstance;
  let subject: CommandServer;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    lookups = jest.spyOn(ServerRMQ.prototype, 'getHandlerByPattern');
    subject = server();
  });
  afterEach(async () => {
    await subject.close();
    jest.restoreAllMocks();
  });

  it("should find a registered pattern's handler once, then from its own map", () => {
    const handler = jest.fn() as unknown as MessageHandler;
    subject.addHandler('projects.get.v1', handler);

    expect(subject.getHandlerByPattern('projects.get.v1')).toBe(handler);
    expect(subject.getHandlerByPattern('projects.get.v1')).toBe(handler);
    expect(lookups).toHaveBeenCalledTimes(1);
  });

  it('should answer an unknown pattern with its refusal every time, keeping none of them', () => {
    const first = subject.getHandlerByPattern('made.up.v1');
    const second = subject.getHandlerByPattern('made.up.v1');

    expect(first).toBeInstanceOf(Function);
    expect(second).toBe(first);
    expect(lookups).toHaveBeenCalledTimes(2);
  });
});
