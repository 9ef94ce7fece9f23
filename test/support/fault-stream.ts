// The client side of a fault test: tenants creating projects one after another while something
// breaks, every answer kept, then compared with the rows PostgreSQL really holds. Each create has
// its own Idempotency-Key, and a 503, or a 409 saying the key's earlier attempt is still in flight,
// is retried with the same key (after Retry-After, capped), as a careful client would: every key
// must end with exactly one row, and no retry may find its first attempt applied without being told
// so (a 409 on its own name).
import { randomUUID } from 'node:crypto';
import type { ProjectView } from '@app/projects';
import { projectsOf } from './database';
import { TenantSession } from './tenant-session';
import { waitFor } from './wait-for';

export interface Answer {
  /** 0: no answer at all (the gateway was killed, or refused the connection). */
  status: number;
  retryAfter: string | null;
  id?: string;
  /** Which create (Idempotency-Key) of which tenant this answer is for, and which try of it. */
  tenantId: string;
  key: string;
  attempt: number;
  /** The gateway it was sent to. */
  via: string;
}

// A client retries a 503 this many times at most, waiting Retry-After but at most this long.
const MAX_TRIES = 30;
const MAX_WAIT_MS = 500;

export interface Tally {
  sent: number;
  201: number;
  503: number;
  500: number;
  /** Sent to a gateway that never answered (killed): retried on another one. */
  unanswered: number;
  other: number;
  rows: number;
  /** Answered 201, but no such row. */
  lost: number;
  /** Creates (keys) sent, and how many of them ended 201. */
  keys: number;
  keysCreated: number;
  /** Answered 409 with Retry-After: an earlier attempt of the key was still being applied. */
  inFlight: number;
  /** Answered 409 on their own name: their first attempt had been applied and a retry applied again. */
  duplicates: number;
}

/**
 * One tenant's stream of creates. With several gateways, each try of a key goes to the next one,
 * and a try that gets no answer (a gateway killed, or refusing connections) is retried like a 503:
 * as a client behind a load balancer would see it. With one gateway, a failed request fails the test.
 */
async function createUntil(
  tenant: TenantSession,
  stop: () => boolean,
  label: string,
  gateways: string[] | undefined,
): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; !stop(); i++) {
    const key = randomUUID();
    for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
      const baseUrl = gateways ? gateways[(i + attempt) % gateways.length] : tenant.baseUrl;
      const answer = { tenantId: tenant.tenantId, key, attempt, via: baseUrl };
      let res: Response;
      try {
        res = await fetch(`${baseUrl}/projects`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${tenant.token}`,
            'content-type': 'application/json',
            'idempotency-key': key,
          },
          body: JSON.stringify({ name: `${label}-${i}` }),
          signal: AbortSignal.timeout(15_000),
        });
      } catch (error) {
        if (!gateways) throw error;
        answers.push({ status: 0, retryAfter: null, ...answer });
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      const body = (await res.json()) as Partial<ProjectView>;
      const retryAfter = res.headers.get('retry-after');
      answers.push({ status: res.status, retryAfter, id: body.id, ...answer });
      // 503, or 409 with Retry-After (an earlier attempt of this key is still being applied): retry.
      if (res.status !== 503 && !inFlight(res.status, retryAfter)) break;
      const waitMs = Math.min(Number(retryAfter ?? 1) * 1000, MAX_WAIT_MS);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
  return answers;
}

/** A 409 that says when to retry: the key's earlier attempt is in flight, not applied twice. */
function inFlight(status: number, retryAfter: string | null): boolean {
  return status === 409 && retryAfter !== null;
}

/**
 * Sends a few reads at once, as a tenant of its own, so that every worker just started has
 * connected and run a first query before the stream is counted: a cold worker takes about a second
 * over its first command.
 */
export async function warmUp(baseUrl: string, requests = 8): Promise<void> {
  const tenant = await TenantSession.create(baseUrl);
  await Promise.all(Array.from({ length: requests }, () => tenant.request('GET', '/projects')));
}

/**
 * Streams creates from every tenant, runs the fault, waits (bounded) until the stack serves again,
 * then stops the streams and counts what happened.
 */
export async function underFault(
  tenants: TenantSession[],
  fault: () => Promise<void>,
  /** Several gateways to spread each tenant's creates over (see createUntil). */
  gateways?: string[],
): Promise<{ answers: Answer[]; tally: Tally }> {
  let stopped = false;
  const streams = tenants.map((tenant, i) => createUntil(tenant, () => stopped, `client-${i}`, gateways));
  await new Promise((resolve) => setTimeout(resolve, 500));
  try {
    await fault();
    await waitFor(
      async () => (await tenants[0].request('GET', '/projects')).status === 200,
      30_000,
      'the stack serving again',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    stopped = true;
  }
  const answers = (await Promise.all(streams)).flat();
  const rows = (await Promise.all(tenants.map((t) => projectsOf(t.tenantId)))).flat();
  const rowIds = new Set(rows.map((r) => r.id));
  const count = (status: number) => answers.filter((a) => a.status === status).length;
  const tally: Tally = {
    sent: answers.length,
    201: count(201),
    503: count(503),
    500: count(500),
    unanswered: count(0),
    other: answers.filter((a) => ![201, 503, 500, 0].includes(a.status)).length,
    rows: rows.length,
    lost: answers.filter((a) => a.status === 201 && !(a.id && rowIds.has(a.id))).length,
    keys: new Set(answers.map((a) => a.key)).size,
    keysCreated: new Set(answers.filter((a) => a.status === 201).map((a) => a.key)).size,
    inFlight: answers.filter((a) => inFlight(a.status, a.retryAfter)).length,
    duplicates: answers.filter((a) => a.status === 409 && !inFlight(a.status, a.retryAfter)).length,
  };
  return { answers, tally };
}

/** What every fault test asserts: no 500, every 503 says when to retry, nothing answered 201 lost. */
export function expectNoHarm({ answers, tally }: { answers: Answer[]; tally: Tally }): void {
  // No answer at all happens only with several gateways, one of them killed (createUntil).
  expect(answers.filter((a) => ![201, 503, 409, 0].includes(a.status))).toEqual([]);
  expect(answers.filter((a) => a.status === 503 && !/^\d+$/.test(a.retryAfter ?? ''))).toEqual([]);
  expect(tally.lost).toBe(0);
  expect(tally.duplicates).toBe(0);
  // Every key retried to a 201 has exactly its one row, and no row exists for a key that never got one.
  expect(tally.rows).toBe(tally.keysCreated);
  expect(tally[201]).toBe(tally.keysCreated);
  expect(tally[201]).toBeGreaterThan(0);
}

/**
 * A fault of a shared service: stops it, keeps it down for `ms`, and starts it again whatever
 * happened meanwhile (underFault then waits, bounded, until the stack serves again).
 */
export function outage(
  ms: number,
  stop: () => void,
  start: () => void,
  /** Called every 250 ms while the service is down, to watch how the stack behaves. */
  sample?: () => Promise<void>,
): () => Promise<void> {
  return async () => {
    try {
      stop();
      for (const until = Date.now() + ms; Date.now() < until;) {
        await sample?.();
        await new Promise((resolve) => setTimeout(resolve, Math.min(250, Math.max(0, until - Date.now()))));
      }
    } finally {
      start();
    }
  };
}
