import { Logger } from '@nestjs/common';
import type { DatabaseProbe } from '@app/database';
import { DatabaseWatch } from './database-watch';
import { intake } from './intake';

describe(DatabaseWatch.name, () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
    intake.open();
  });

  it('should close the intake until the database answers, probing with backoff', async () => {
    const ping = jest
      .fn<Promise<void>, [number]>()
      .mockRejectedValueOnce(new Error('ECONNREFUSED'))
      .mockRejectedValueOnce(new Error('ECONNREFUSED'))
      .mockResolvedValue(undefined);
    const watch = new DatabaseWatch({ ping } as unknown as DatabaseProbe);
    const changes: boolean[] = [];
    const follow = () => changes.push(intake.isOpen);
    intake.on('change', follow);
    try {
      watch.unreachable('connection refused');
      watch.unreachable('again, while probing: one watch only');
      expect(intake.isOpen).toBe(false);

      // Probes after 250, 500 and 1000 ms: the third answers.
      const until = Date.now() + 5_000;
      while (!intake.isOpen && Date.now() < until) await new Promise((r) => setTimeout(r, 50));

      expect(intake.isOpen).toBe(true);
      expect(ping).toHaveBeenCalledTimes(3);
      expect(changes).toEqual([false, true]);
    } finally {
      intake.off('change', follow);
    }
  });

  it('should stop probing and open the intake when the app shuts down', async () => {
    const ping = jest.fn<Promise<void>, [number]>().mockRejectedValue(new Error('down'));
    const watch = new DatabaseWatch({ ping } as unknown as DatabaseProbe);
    watch.unreachable('down');
    watch.onApplicationShutdown();
    const until = Date.now() + 2_000;
    while (!intake.isOpen && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(intake.isOpen).toBe(true);
  });
});
