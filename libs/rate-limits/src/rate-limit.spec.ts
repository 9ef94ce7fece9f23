import { throttlerWindow } from './rate-limit';

describe('throttlerWindow', () => {
  it('should let the burst through in the time the rate takes to send it', () => {
    expect(throttlerWindow({ rps: 200, burst: 400 })).toEqual({ limit: 400, ttl: 2000 });
    expect(throttlerWindow({ rps: 5, burst: 10 })).toEqual({ limit: 10, ttl: 2000 });
    expect(throttlerWindow({ rps: 3, burst: 1 })).toEqual({ limit: 1, ttl: 334 });
  });

  it('should never make a window shorter than a millisecond', () => {
    expect(throttlerWindow({ rps: 1e9, burst: 1 })).toEqual({ limit: 1, ttl: 1 });
  });
});
