import { PoolClient } from 'pg';
import { asTenant, createTenant, useDatabase } from '../support/database';

// As the runtime role, with no application code in between: RLS hides other tenants' tasks, and
// the composite foreign key refuses a task under another tenant's project.
describe('tasks row-level security and foreign key', () => {
  const db = useDatabase();
  let tenantA: string;
  let tenantB: string;
  let projectOfA: string;
  let projectOfB: string;

  beforeEach(async () => {
    [tenantA, tenantB] = await Promise.all([createTenant({ name: 'A' }), createTenant({ name: 'B' })]);
    // The admin is a superuser, so RLS does not stop it from seeding both tenants.
    const projects = await db.admin.query<{ id: string; tenant_id: string }>(
      `INSERT INTO projects (id, tenant_id, name) VALUES (gen_random_uuid(), $1, 'a'), (gen_random_uuid(), $2, 'b')
       RETURNING id, tenant_id`,
      [tenantA, tenantB],
    );
    projectOfA = projects.rows.find((p) => p.tenant_id === tenantA)!.id;
    projectOfB = projects.rows.find((p) => p.tenant_id === tenantB)!.id;
    await db.admin.query(
      `INSERT INTO tasks (id, tenant_id, project_id, title) VALUES
         (gen_random_uuid(), $1, $2, 'a-task'), (gen_random_uuid(), $3, $4, 'b-task')`,
      [tenantA, projectOfA, tenantB, projectOfB],
    );
  });

  /** As the runtime role with tenant A set; rolled back, so nothing tried here sticks. */
  const asTenantA = <T>(fn: (client: PoolClient) => Promise<T>) =>
    asTenant(db.runtime, tenantA, fn, { rollback: true });

  const ours = 'SELECT title FROM tasks WHERE tenant_id IN ($1, $2) ORDER BY title';

  it('should show no task without a tenant, although tasks exist', async () => {
    expect((await db.admin.query(ours, [tenantA, tenantB])).rowCount).toBe(2);
    expect((await db.runtime.query(ours, [tenantA, tenantB])).rows).toEqual([]);
  });

  it('should show tenant A only its own tasks', async () => {
    const seen = await asTenantA((c) => c.query(ours, [tenantA, tenantB]));
    expect(seen.rows).toEqual([{ title: 'a-task' }]);
  });

  it("should refuse a task of tenant A that references tenant B's project", async () => {
    const attempt = asTenantA((c) =>
      c.query("INSERT INTO tasks (id, project_id, title) VALUES (gen_random_uuid(), $1, 'planted')", [
        projectOfB,
      ]),
    );
    await expect(attempt).rejects.toMatchObject({ code: '23503' });
    expect((await db.admin.query("SELECT 1 FROM tasks WHERE title = 'planted'")).rowCount).toBe(0);
  });

  it("should refuse a task written into tenant B, even under B's own project", async () => {
    const attempt = asTenantA((c) =>
      c.query(
        "INSERT INTO tasks (id, tenant_id, project_id, title) VALUES (gen_random_uuid(), $1, $2, 'planted')",
        [tenantB, projectOfB],
      ),
    );
    await expect(attempt).rejects.toMatchObject({ code: '42501' });
  });

  it("should neither move a task to B's project nor touch B's tasks", async () => {
    const moved = asTenantA((c) =>
      c.query('UPDATE tasks SET project_id = $1 WHERE project_id = $2', [projectOfB, projectOfA]),
    );
    await expect(moved).rejects.toMatchObject({ code: '23503' });
    const [updated, deleted] = await asTenantA(async (c) => [
      await c.query("UPDATE tasks SET title = 'hijacked' WHERE project_id = $1", [projectOfB]),
      await c.query('DELETE FROM tasks WHERE project_id = $1', [projectOfB]),
    ]);
    expect([updated.rowCount, deleted.rowCount]).toEqual([0, 0]);
  });

  it('should delete the tasks of a deleted project', async () => {
    const remaining = await asTenantA(async (c) => {
      await c.query('DELETE FROM projects WHERE id = $1', [projectOfA]);
      return c.query('SELECT count(*)::int AS n FROM tasks WHERE project_id = $1', [projectOfA]);
    });
    expect(remaining.rows).toEqual([{ n: 0 }]);
  });
});
