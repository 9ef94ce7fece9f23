import { readReply } from './replay-replies';

const packet = (value: unknown) => Buffer.from(JSON.stringify(value));

describe(readReply.name, () => {
  it.each([
    [
      'an answer',
      { response: { id: 't-1' }, isDisposed: true },
      { kind: 'answered', response: { id: 't-1' } },
    ],
    ['an answer without its end', { response: null }, { kind: 'answered', response: null }],
    ['an empty answer', { isDisposed: true }, { kind: 'answered', response: undefined }],
    [
      "the worker's error",
      { err: { code: 'conflict', message: 'exists' }, isDisposed: true },
      { kind: 'refused', error: { code: 'conflict', message: 'exists' } },
    ],
    [
      "Nest's refusal of an unknown pattern",
      {
        id: 'r',
        err: 'There is no matching message handler defined in the remote service.',
        status: 'error',
      },
      { kind: 'refused', error: 'There is no matching message handler defined in the remote service.' },
    ],
  ])('should read %s', (_case, reply, expected) => {
    expect(readReply(packet(reply))).toEqual(expected);
  });

  it('should read nothing from a packet that settles nothing', () => {
    expect(readReply(Buffer.from('not json'))).toBeUndefined();
    expect(readReply(packet({ status: 'x' }))).toBeUndefined();
    expect(readReply(packet('text'))).toBeUndefined();
  });
});
