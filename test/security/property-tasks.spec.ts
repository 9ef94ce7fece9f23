// The property test of property.spec.ts, for the tasks routes: tenant B sends random bodies and
// random project and task ids (A's, B's own, fresh and junk). Bad input never becomes a 5xx, no
// response mentions A's tasks, A's ids answer exactly like missing ones, and A's rows stay as they were.
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import type { ProjectView } from '@app/projects';
import type { TaskView } from '@app/tasks';
import { StoredTask, tasksOf } from '../support/database';
import { ACCEPTED_UUID, junkSegment, junkString, RawResponse, send } from '../support/hostile-input';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';

const RUNS = { create: 100, read: 100, update: 100, remove: 100 } as const;

async function projectWithTask(tenant: TenantSession, label: string): Promise<[ProjectView, TaskView]> {
  const secret = `${label}-${randomBytes(6).toString('hex')}`;
  const project = await tenant.request<ProjectView>('POST', '/projects', { name: secret });
  const task = await tenant.request<TaskView>('POST', `/projects/${project.body.id}/tasks`, {
    title: `task-${secret}`,
  });
  expect([project.status, task.status]).toEqual([201, 201]);
  return [project.body, task.body];
}

describe('hostile input against the tasks API', () => {
  const stack = useStack();
  let b: TenantSession;
  let ofA: [ProjectView, TaskView];
  let ofB: [ProjectView, TaskView];
  let storedOfA: StoredTask[];
  let secrets: string[];

  beforeAll(async () => {
    const a = await TenantSession.create(stack.baseUrl);
    b = await TenantSession.create(stack.baseUrl);
    ofA = await projectWithTask(a, 'secret-of-a');
    ofB = await projectWithTask(b, 'own-of-b');
    storedOfA = await tasksOf(a.tenantId);
    const [project, task] = ofA;
    secrets = [a.tenantId, project.id, project.name, task.id, task.title].map((s) => s.toLowerCase());
  });

  /** Whose a path id is: A's (must look missing), B's own (may succeed), or neither. */
  const owner = (id: string) =>
    ofA.some((row) => row.id === id.toLowerCase())
      ? 'A'
      : ofB.some((row) => row.id === id.toLowerCase())
        ? 'B'
        : 'none';

  /** No 5xx, and nothing of A's in the answer that B did not send itself (a 404 may echo the path). */
  function expectSafe(response: RawResponse, sent: string[]): void {
    expect(response.status).toBeLessThan(500);
    const text = response.text.toLowerCase();
    const echoed = sent.join(' ').toLowerCase();
    expect(secrets.filter((secret) => text.includes(secret) && !echoed.includes(secret))).toEqual([]);
  }

  /**
   * A's ids and fresh uuids are 404, or 400 for a bad body; junk ids are 400, or 414 past the
   * router's limit; a body over the limit is 413 before any of that.
   */
  function expectNotFoundUnlessOwn(response: RawResponse, ids: string[]): void {
    if (ids.some((id) => !ACCEPTED_UUID.test(id))) expect([400, 413, 414]).toContain(response.status);
    else if (ids.some((id) => owner(id) !== 'B')) expect([400, 404, 413]).toContain(response.status);
  }

  const id = (pick: (rows: [ProjectView, TaskView]) => string) =>
    fc.oneof(
      fc.constant(pick(ofA)),
      fc.constant(pick(ofA).toUpperCase()),
      fc.constant(pick(ofB)),
      fc.uuid(),
      junkSegment,
    );
  const projectId = () => id(([project]) => project.id);
  const taskId = () => id(([, task]) => task.id);
  const title = fc.oneof(
    fc.string({ minLength: 1, maxLength: 60 }),
    junkString,
    // Around the 500-character limit, counted in code points, graphemes and UTF-16 units.
    fc.string({ unit: 'grapheme', minLength: 250, maxLength: 600 }),
    fc.integer({ min: 240, max: 260 }).map((n) => 'a\uFE0F'.repeat(n)),
  );
  const body = () =>
    fc.oneof(
      fc.record({ title }),
      fc.record({ title, done: fc.oneof(fc.boolean(), fc.anything()) }, { requiredKeys: [] }),
      fc.record({
        title: fc.string({ minLength: 1, maxLength: 30 }),
        tenantId: fc.constant(ofA[0].tenantId),
      }),
      fc.record({ title: fc.string({ minLength: 1, maxLength: 30 }), projectId: fc.constant(ofA[0].id) }),
      fc.constant({ title: 'x'.repeat(501) }),
      fc.object(),
      fc.jsonValue(),
    );

  const asB = { authorization: '', 'content-type': 'application/json' };
  const call = (method: string, path: string, payload?: unknown) =>
    send(
      stack.baseUrl,
      method,
      path,
      { ...asB, authorization: `Bearer ${b.token}` },
      payload === undefined ? undefined : JSON.stringify(payload),
    );
  const tasksPath = (project: string, task?: string) =>
    `/projects/${encodeURIComponent(project)}/tasks${task === undefined ? '' : `/${encodeURIComponent(task)}`}`;

  it('should answer a create from B without a 5xx, and like a missing project for A’s', async () => {
    await fc.assert(
      fc.asyncProperty(projectId(), body(), async (project, payload) => {
        const response = await call('POST', tasksPath(project), payload);
        expectSafe(response, [project]);
        expectNotFoundUnlessOwn(response, [project]);
      }),
      // Fixed examples, so every run also reaches the worker: B's own project, and A's.
      {
        numRuns: RUNS.create,
        examples: [
          [ofB[0].id, { title: 'mine' }],
          [ofA[0].id, { title: 'planted' }],
        ],
      },
    );
  });

  it('should answer reads from B without a 5xx, and like missing rows for A’s', async () => {
    const query = fc.oneof(
      fc.constant(''),
      junkString.map((s) => `?limit=${encodeURIComponent(s)}`),
    );
    await fc.assert(
      fc.asyncProperty(projectId(), fc.option(taskId()), query, async (project, task, qs) => {
        const response = await call('GET', `${tasksPath(project, task ?? undefined)}${task ? '' : qs}`);
        const ids = task === null ? [project] : [project, task];
        expectSafe(response, ids);
        expectNotFoundUnlessOwn(response, ids);
      }),
      { numRuns: RUNS.read },
    );
  });

  it('should answer an update from B without a 5xx, and like a missing task for A’s', async () => {
    await fc.assert(
      fc.asyncProperty(projectId(), taskId(), body(), async (project, task, payload) => {
        const response = await call('PATCH', tasksPath(project, task), payload);
        expectSafe(response, [project, task]);
        expectNotFoundUnlessOwn(response, [project, task]);
      }),
      {
        numRuns: RUNS.update,
        examples: [
          [ofB[0].id, ofB[1].id, { done: true }],
          [ofA[0].id, ofA[1].id, { title: 'stolen' }],
          [ofB[0].id, ofA[1].id, { done: true }],
        ],
      },
    );
  });

  it('should answer a delete from B without a 5xx, and like a missing task for A’s', async () => {
    await fc.assert(
      fc.asyncProperty(projectId(), taskId(), async (project, task) => {
        const response = await call('DELETE', tasksPath(project, task));
        expectSafe(response, [project, task]);
        expectNotFoundUnlessOwn(response, [project, task]);
      }),
      { numRuns: RUNS.remove },
    );
  });

  it('should have left every task of A exactly as it was', async () => {
    expect(await tasksOf(ofA[0].tenantId)).toEqual(storedOfA);
  });
});
