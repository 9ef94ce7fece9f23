/**
 * Polls probe every 50 ms until it returns something truthy, and returns that. Bounded, so a
 * message that never arrives fails the test with a reason instead of running into Jest's timeout.
 */
export async function waitFor<T>(
  probe: () => Promise<T | false | undefined | null>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} not met within ${timeoutMs} ms`);
}
