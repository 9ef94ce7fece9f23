import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLS_ID, ClsServiceManager, ContextClsStoreMap } from 'nestjs-cls';
import { logFields, noteRequest, requestLine } from './log-context';

const IDENTITY = {
  tenantId: '0b6c3c9e-1f4e-4d55-9a49-6a1f9f6f3b1a',
  userId: 'user-1',
  correlationId: 'corr-1',
};

const request = (id = 'request-1') =>
  ({ id, method: 'POST', url: '/projects?x=1', headers: {} }) as unknown as IncomingMessage & { id: string };
const response = (statusCode: number) => ({ statusCode }) as ServerResponse;

describe(requestLine.name, () => {
  it('should read the request’s CLS store after its context has ended', () => {
    const req = request();
    const cls = ClsServiceManager.getClsService();
    cls.run(() => {
      // What nestjs-cls's middleware does for every request.
      ContextClsStoreMap.setByRaw(req, cls.get());
      cls.set(CLS_ID, 'request-1');
      cls.set('identity', IDENTITY);
      noteRequest({ pattern: 'projects.create.v1' });
      noteRequest({ outcome: 'domain error', errorCode: 'conflict' });
    });

    expect(requestLine(req, response(409), 12)).toEqual({
      ...IDENTITY,
      method: 'POST',
      url: '/projects?x=1',
      statusCode: 409,
      pattern: 'projects.create.v1',
      outcome: 'domain error',
      errorCode: 'conflict',
      durationMs: 12,
    });
  });

  it.each([
    [201, 'answered'],
    [401, 'refused'],
    [413, 'refused'],
    [500, 'failed'],
  ])('should say a %i with no note was %s, under the request’s id', (status, outcome) => {
    expect(requestLine(request('abc'), response(status), 1)).toMatchObject({
      correlationId: 'abc',
      tenantId: undefined,
      statusCode: status,
      outcome,
    });
  });
});

describe(noteRequest.name, () => {
  it('should do nothing outside a request', () => {
    expect(() => noteRequest({ pattern: 'x' })).not.toThrow();
    expect(logFields()).toEqual({});
  });
});
