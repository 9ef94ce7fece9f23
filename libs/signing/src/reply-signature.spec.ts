import { ReplyFields } from './canonical-form';
import { signingKey } from './message-signature';
import { signReply, verifyReply } from './reply-signature';

const KEY = signingKey('unit-test-message-signing-key-0123456789');
const REPLY: ReplyFields = {
  tenantId: '11111111-1111-4111-8111-111111111111',
  messageId: '22222222-2222-4222-8222-222222222222',
  correlationId: '33333333-3333-4333-8333-333333333333',
  content: Buffer.from('{"response":{"id":"p1","name":"Apollo"},"isDisposed":true}'),
};

describe(verifyReply.name, () => {
  const signature = signReply(KEY, REPLY);

  it('should accept a reply as the worker signed it', () => {
    expect(signature).toMatch(/^v2=/);
    expect(verifyReply([KEY], REPLY, signature)).toBe(true);
  });

  it.each<[string, Partial<ReplyFields>]>([
    ['another request (message id)', { messageId: '44444444-4444-4444-8444-444444444444' }],
    ['another request (correlation id)', { correlationId: '55555555-5555-4555-8555-555555555555' }],
    ['another tenant', { tenantId: '66666666-6666-4666-8666-666666666666' }],
    ['another body', { content: Buffer.from('{"response":{"id":"p1","name":"Forged"},"isDisposed":true}') }],
  ])('should refuse the signature for %s', (_case, change) => {
    expect(verifyReply([KEY], { ...REPLY, ...change }, signature)).toBe(false);
  });

  it('should refuse a reply signed with another key, unsigned, or with junk', () => {
    const other = signReply(signingKey('an-attacker-chosen-key-0123456789abcdef'), REPLY);

    expect(verifyReply([KEY], REPLY, other)).toBe(false);
    expect(verifyReply([KEY], REPLY, '')).toBe(false);
    expect(verifyReply([KEY], REPLY, 'v2=AAAA')).toBe(false);
    expect(verifyReply([KEY], REPLY, signature.replace('v2=', 'v1='))).toBe(false);
  });
});
