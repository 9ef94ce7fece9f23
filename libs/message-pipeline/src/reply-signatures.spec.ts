import type { ConsumeMessage } from 'amqplib';
import { of } from 'rxjs';
import { verifyReply } from '@app/signing';
import {
  consumeMessage,
  KEY,
  OTHER_KEY,
  rpcError,
  setup,
  TENANT,
  validHeaders,
} from './message-pipeline.testing';
import { replySignatures } from './reply-signatures';

const CONTENT = Buffer.from('{"response":"done","isDisposed":true}');

/** Whether the reply the server would publish for this message carries a valid signature for it. */
function signedFor(message: ConsumeMessage): boolean {
  const signature = replySignatures.sign(message, 'c-1', CONTENT);
  if (signature === undefined) return false;
  const messageId = message.properties.messageId as string;
  return verifyReply(
    [KEY],
    { tenantId: TENANT, messageId, correlationId: 'c-1', content: CONTENT },
    signature,
  );
}

describe('replySignatures', () => {
  it('should sign the reply to an authenticated request with its key, for its tenant', async () => {
    const { result, message } = setup(validHeaders(), () => of('done'));
    await result();

    expect(signedFor(message)).toBe(true);
    expect(replySignatures.sign(message, 'another-request', CONTENT)).not.toBe(
      replySignatures.sign(message, 'c-1', CONTENT),
    );
  });

  it('should sign the refusal of a request whose time is off, so the gateway answers 503 at once', async () => {
    const { result, message } = setup(validHeaders(), () => of('never'), { signedAt: Date.now() - 120_000 });
    await rpcError(result());

    expect(signedFor(message)).toBe(true);
  });

  it('should leave unsigned the reply to a forged request', async () => {
    const { result, message } = setup(validHeaders(), () => of('never'), { key: OTHER_KEY });
    await rpcError(result());

    expect(replySignatures.sign(message, 'c-1', CONTENT)).toBeUndefined();
  });

  it('should leave unsigned the refusal of a replayed copy: the genuine one answers', async () => {
    const message = consumeMessage(validHeaders());
    await setup({}, () => of('done'), { message }).result();
    const copy = { ...message };
    const replay = setup({}, () => of('again'), { message: copy });
    await rpcError(replay.result());

    expect(signedFor(message)).toBe(true);
    expect(replySignatures.sign(copy, 'c-1', CONTENT)).toBeUndefined();
  });
});
