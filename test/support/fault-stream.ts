// The client side of a fault test: tenants creating projects one after another while something
// breaks, every answer kept, then compared with the rows PostgreSQL really holds.
import type { ProjectView } from '@app/projects';
import { projectsOf } from './database';
import type { TenantSession } from './tenant-session';
import { waitFor } from './wait-for';

export interface Answer {
  status: number;
  retryAfter: string | null;
  id?: string;
}

export interface Tally {
  sent: number;
  201: number;
  503: number;
  500: number;
  other: number;
  rows: number;
  /** Answered 201, but no such row. */
  lost: number;
}

async function createUntil(tenant: TenantSession, stop: () => boolean, label: string): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; !stop(); i++) {
    const res = await fetch(`${tenant.baseUrl}/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `${label}-${i}` }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await res.json()) as Partial<ProjectView>;
    answers.push({ status: res.status, retryAfter: res.headers.get('retry-after'), id: body.id });
  }
  return answers;
}

/**
 * Streams creates from every tenant, runs the fault, waits (bounded) until the stack serves again,
 * then stops the streams and counts what happened.
 */
export async function underFault(
  tenants: TenantSession[],
  fault: () => Promise<void>,
): Promise<{ answers: Answer[]; tally: Tally }> {
  let stopped = false;
  const streams = tenants.map((tenant, i) => createUntil(tenant, () => stopped, `client-${i}`));
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
    other: answers.filter((a) => ![201, 503, 500].includes(a.status)).length,
    rows: rows.length,
    lost: answers.filter((a) => a.status === 201 && !(a.id && rowIds.has(a.id))).length,
  };
  return { answers, tally };
}

/** What every fault test asserts: no 500, every 503 says when to retry, nothing answered 201 lost. */
export function expectNoHarm({ answers, tally }: { answers: Answer[]; tally: Tally }): void {
  expect(answers.filter((a) => a.status !== 201 && a.status !== 503)).toEqual([]);
  expect(answers.filter((a) => a.status === 503 && !/^\d+$/.test(a.retryAfter ?? ''))).toEqual([]);
  expect(tally.lost).toBe(0);
  // A 503 is "unknown outcome" (a timed-out create may have landed), but nothing appears from nowhere.
  expect(tally.rows).toBeLessThanOrEqual(tally[201] + tally[503]);
  expect(tally[201]).toBeGreaterThan(0);
}
