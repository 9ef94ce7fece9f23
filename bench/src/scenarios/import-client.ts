import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { JobAccepted, JobView } from '@app/jobs';
import type { ImportResult } from '@app/projects';
import { sleep } from '../cleanup';

// Polls are cheap reads, but still commands on the worker's queue: 10 a second is enough, because
// the end of a job is taken from its finishedAt, not from the poll that sees it.
const POLL_MS = 100;
const JOB_TIMEOUT_MS = 180_000;
const RETRY_MS = 250;
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

export interface ImportItemBody {
  name: string;
  tasks?: { title: string; done?: boolean }[];
}

export interface ImportRun {
  jobId: string;
  items: number;
  /** POST /projects/import → 202. */
  acceptMs: number;
  /** POST → the job's finishedAt: set by the worker in its last batch's transaction, on this machine's clock. */
  totalMs: number;
  /** Requests (the POST or polls) answered 503 or not at all, and sent again. */
  retries: number;
}

/** `count` items named `<prefix><i>`, each with `tasksPerItem` tasks (the first one done). */
export function importItems(prefix: string, count: number, tasksPerItem: number): ImportItemBody[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}${i}`,
    ...(tasksPerItem > 0 && {
      tasks: Array.from({ length: tasksPerItem }, (_, t) => ({ title: `task ${t}`, done: t === 0 })),
    }),
  }));
}

class Refused extends Error {}

/**
 * One request, retried while the stack says "not now" (503, or 409 with Retry-After) or the
 * connection fails, until `deadline`: what a careful client does. Safe for the POST because it
 * carries an Idempotency-Key (same key, same job). Every retry is counted, so none goes unseen.
 */
async function call<T>(
  target: { baseUrl: string; token: string; signal: AbortSignal },
  path: string,
  retries: { count: number },
  deadline: number,
  post?: { body: unknown; key: string },
): Promise<T> {
  for (;;) {
    let failure: string;
    try {
      const res = await fetch(`${target.baseUrl}${path}`, {
        method: post ? 'POST' : 'GET',
        headers: {
          authorization: `Bearer ${target.token}`,
          ...(post && { 'content-type': 'application/json', 'idempotency-key': post.key }),
        },
        body: post && JSON.stringify(post.body),
        signal: AbortSignal.any([target.signal, AbortSignal.timeout(30_000)]),
      });
      const text = await res.text();
      if (res.ok) return JSON.parse(text) as T;
      failure = `${post ? 'POST' : 'GET'} ${path}: ${res.status} ${text.slice(0, 300)}`;
      if (res.status !== 503 && !(res.status === 409 && res.headers.has('retry-after'))) {
        throw new Refused(failure);
      }
    } catch (err) {
      if (err instanceof Refused || target.signal.aborted) throw err;
      failure = `${path}: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (performance.now() > deadline) throw new Error(`gave up: ${failure}`);
    retries.count++;
    await sleep(RETRY_MS, target.signal);
  }
}

/**
 * Posts an import as the token's tenant and waits for its job. Throws unless the job succeeded with
 * every item imported and no conflict: a wrong count must stop the bench, not be reported.
 */
export async function runImportJob(
  baseUrl: string,
  token: string,
  items: ImportItemBody[],
  signal: AbortSignal,
): Promise<ImportRun> {
  const startedAt = Date.now();
  const t0 = performance.now();
  const deadline = t0 + JOB_TIMEOUT_MS;
  const target = { baseUrl, token, signal };
  const retries = { count: 0 };
  const post = { body: { items }, key: randomUUID() };
  const { jobId } = await call<JobAccepted>(target, '/projects/import', retries, deadline, post);
  const acceptMs = performance.now() - t0;
  let job: JobView;
  do {
    if (performance.now() > deadline) throw new Error(`import job ${jobId} still running`);
    await sleep(POLL_MS, signal);
    if (signal.aborted) throw new Error('interrupted');
    job = await call<JobView>(target, `/jobs/${jobId}`, retries, deadline);
  } while (!TERMINAL.has(job.status));

  const n = items.length;
  const result = job.result as ImportResult | undefined;
  if (job.status !== 'succeeded') {
    throw new Error(`import job ${jobId} ended ${job.status}: ${job.error ?? JSON.stringify(result)}`);
  }
  if (job.progress.done !== n || job.progress.total !== n || result?.imported !== n || result.conflicts) {
    throw new Error(
      `import job ${jobId} succeeded with wrong counts: progress ${job.progress.done}/${job.progress.total}, ` +
        `result ${JSON.stringify(result)}; expected ${n} imported, 0 conflicts`,
    );
  }
  const totalMs = Date.parse(job.finishedAt ?? '') - startedAt;
  if (!(totalMs > 0))
    throw new Error(`import job ${jobId}: finishedAt ${job.finishedAt} is not after the POST`);
  return { jobId, items: n, acceptMs, totalMs, retries: retries.count };
}
