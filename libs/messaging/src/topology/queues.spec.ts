import { randomUUID } from 'node:crypto';
import { allQueueNames, jobQueueFor, jobQueueNames, retryLadderOf } from './queues';

describe('jobs queues', () => {
  it('should name the first shard as the one jobs queue was named, and number the others', () => {
    expect(jobQueueNames('p.', 3)).toEqual(['p.jobs', 'p.jobs.1', 'p.jobs.2']);
    expect(jobQueueNames('p.', 1)).toEqual(['p.jobs']);
  });

  it("should put all of a tenant's batches on one queue, and spread tenants over all of them", () => {
    const tenant = randomUUID();
    expect(jobQueueFor('p.', 4, tenant)).toBe(jobQueueFor('p.', 4, tenant));
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const queue = jobQueueFor('p.', 4, randomUUID());
      counts.set(queue, (counts.get(queue) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(jobQueueNames('p.', 4).sort());
    for (const count of counts.values()) expect(count).toBeGreaterThan(800);
  });

  it('should send every jobs shard through the first one’s retry ladder, and commands and job starts through the commands’', () => {
    expect(retryLadderOf('p.', 'p.jobs')).toBe('p.jobs');
    expect(retryLadderOf('p.', 'p.jobs.3')).toBe('p.jobs');
    expect(retryLadderOf('p.', 'p.commands')).toBe('p.commands');
    expect(retryLadderOf('p.', 'p.job-starts')).toBe('p.commands');
    expect(retryLadderOf('p.', 'elsewhere')).toBe('p.commands');
  });

  it('should delete every shard a prefix may have', () => {
    const names = allQueueNames('p.');
    expect(names).toEqual(expect.arrayContaining([...jobQueueNames('p.', 16), 'p.job-starts']));
    expect(names).not.toContain('p.jobs.1.retry.1');
  });
});
