import { Logger } from '@nestjs/common';
import { of } from 'rxjs';
import { ErrorCode } from '@app/errors';
import { MessagePipeline } from './message-pipeline.interceptor';
import { consumeMessage, FakeInbox, rpcError, setup, validHeaders } from './message-pipeline.testing';

describe(`${MessagePipeline.name} inbox`, () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('should record the reply under the message id', async () => {
    const inbox = new FakeInbox();
    const message = consumeMessage(validHeaders());
    await setup({}, () => of({ id: 'p1' }), { message, inbox }).result();

    expect(inbox.entries.get(message.properties.messageId as string)?.reply).toEqual({ id: 'p1' });
  });

  it('should answer a message delivered again with the recorded reply, rolling its second run back', async () => {
    const inbox = new FakeInbox();
    const message = consumeMessage(validHeaders());
    await setup({}, () => of({ id: 'p1' }), { message, inbox }).result();
    // What the broker hands out again after a lost ack: the same message, flagged redelivered.
    const again = { ...message, fields: { ...message.fields, redelivered: true } };

    const second = setup({}, () => of({ id: 'p2' }), { message: again, inbox });
    await expect(second.result()).resolves.toEqual({ id: 'p1' });
    // It ran again, found its id taken, and was rolled back.
    expect(second.events).toEqual(['begin', 'handler', 'rollback', 'begin', 'commit', 'ack']);
    expect(second.ack).toHaveBeenCalledTimes(1);
  });

  it('should answer the same id signed anew for the same request (an Idempotency-Key retry) likewise', async () => {
    const inbox = new FakeInbox();
    const messageId = '11111111-1111-4111-8111-111111111111';
    await setup({}, () => of({ id: 'p1' }), {
      message: consumeMessage(validHeaders(), { messageId }),
      inbox,
    }).result();

    const retry = setup({}, () => of({ id: 'p2' }), {
      message: consumeMessage(validHeaders(), { messageId, signedAt: Date.now() + 1 }),
      inbox,
    });
    await expect(retry.result()).resolves.toEqual({ id: 'p1' });
    expect(retry.events).toContain('rollback');
  });

  it('should refuse the same id for another request with idempotency_mismatch, rolling it back', async () => {
    const inbox = new FakeInbox();
    const messageId = '22222222-2222-4222-8222-222222222222';
    await setup({}, () => of({ id: 'p1' }), {
      message: consumeMessage(validHeaders(), { messageId }),
      inbox,
    }).result();

    const other = setup({}, () => of({ id: 'p2' }), {
      message: consumeMessage(validHeaders(), { messageId, data: { name: 'Other' } }),
      inbox,
    });
    await expect(rpcError(other.result())).resolves.toMatchObject({ code: ErrorCode.IdempotencyMismatch });
    expect(other.events).toContain('rollback');
    expect(other.ack).toHaveBeenCalledTimes(1);
  });

  it('should dead-letter a message whose id is not a uuid, before any transaction', async () => {
    const { result, run, deadLetterReason } = setup({}, () => of('never'), {
      message: consumeMessage(validHeaders(), { messageId: 'not-a-uuid' }),
    });
    await rpcError(result());
    expect(deadLetterReason()).toMatch(/message id is not a uuid/);
    expect(run).not.toHaveBeenCalled();
  });
});
