import { JobPacing } from './job-pacing';

/** Starts a batch's turn and records when it began; `release` is its end. */
function batch(pacing: JobPacing, started: string[], name: string) {
  const turn = pacing.jobTurn().then((release) => {
    started.push(name);
    return release;
  });
  return { release: async () => (await turn)() };
}

// Lets the promises of turns given settle.
const settle = () => jest.advanceTimersByTimeAsync(0);

describe('JobPacing', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs up to `concurrency` batches at once, the next when one ends', async () => {
    const pacing = new JobPacing({ concurrency: 2, maxWaitMs: 100 }, () => Date.now());
    const started: string[] = [];
    const first = batch(pacing, started, 'a');
    batch(pacing, started, 'b');
    batch(pacing, started, 'c');
    await settle();
    expect(started).toEqual(['a', 'b']);
    await first.release();
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
  });

  it('starts no batch while an interactive message is in hand', async () => {
    const pacing = new JobPacing({ concurrency: 2, maxWaitMs: 100 }, () => Date.now());
    const started: string[] = [];
    const done = pacing.interactiveStarted();
    batch(pacing, started, 'a');
    await jest.advanceTimersByTimeAsync(50);
    expect(started).toEqual([]);
    done();
    done(); // twice is once
    await settle();
    expect(started).toEqual(['a']);
  });

  it('lets a batch start after maxWaitMs, so that interactive traffic cannot starve jobs', async () => {
    const pacing = new JobPacing({ concurrency: 1, maxWaitMs: 100 }, () => Date.now());
    const started: string[] = [];
    pacing.interactiveStarted();
    const first = batch(pacing, started, 'a');
    batch(pacing, started, 'b');
    await jest.advanceTimersByTimeAsync(99);
    expect(started).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(started).toEqual(['a']);
    // 'b' has waited past maxWaitMs too: it starts as soon as a place frees up.
    await first.release();
    await settle();
    expect(started).toEqual(['a', 'b']);
  });

  it('does not hold up a batch that is already running', async () => {
    const pacing = new JobPacing({ concurrency: 1, maxWaitMs: 100 }, () => Date.now());
    const started: string[] = [];
    const first = batch(pacing, started, 'a');
    await settle();
    const done = pacing.interactiveStarted();
    await first.release();
    batch(pacing, started, 'b');
    await settle();
    expect(started).toEqual(['a']);
    done();
    await settle();
    expect(started).toEqual(['a', 'b']);
  });
});
