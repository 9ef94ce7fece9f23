import { ConfigService } from '@nestjs/config';
import { parseEnv, WorkerEnv, workerEnvSchema } from '@app/config';
import { workerNiceFrom } from './worker.options';

function configOf(env: Record<string, string>): ConfigService<WorkerEnv, true> {
  return new ConfigService<WorkerEnv, true>(parseEnv(workerEnvSchema, env));
}

describe(workerNiceFrom.name, () => {
  it('should leave a worker of commands, or of everything, at the priority it started with', () => {
    expect(workerNiceFrom(configOf({}))).toBe(0);
    expect(workerNiceFrom(configOf({ WORKER_QUEUES: 'commands' }))).toBe(0);
  });

  it('should lower a worker of jobs to nice 10 unless WORKER_NICE says otherwise', () => {
    expect(workerNiceFrom(configOf({ WORKER_QUEUES: 'jobs' }))).toBe(10);
    expect(workerNiceFrom(configOf({ WORKER_QUEUES: 'jobs', WORKER_NICE: '0' }))).toBe(0);
    expect(workerNiceFrom(configOf({ WORKER_NICE: '5' }))).toBe(5);
  });

  it('should refuse a queue set or a nice value that does not exist', () => {
    expect(() => configOf({ WORKER_QUEUES: 'batches' })).toThrow(/WORKER_QUEUES/);
    expect(() => configOf({ WORKER_NICE: '20' })).toThrow(/WORKER_NICE/);
    expect(() => configOf({ WORKER_NICE: '-1' })).toThrow(/WORKER_NICE/);
  });
});
