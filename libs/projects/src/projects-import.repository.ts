import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { sql, TENANT_PRISMA, TenantPrismaClient, TenantSql } from '@app/database';
import { TenantContextService } from '@app/tenancy';
import type { ImportItem } from './projects-jobs.contract';

/** Bulk writes of the project jobs, on the tenant's transaction: two statements a batch, not one a row. */
@Injectable()
export class ProjectsImportRepository {
  constructor(
    @Inject(TENANT_PRISMA) private readonly db: TenantPrismaClient,
    private readonly tenantSql: TenantSql,
    private readonly tenants: TenantContextService,
  ) {}

  /**
   * Inserts the items whose name the tenant does not have yet (a repeat within the batch, or of an
   * earlier batch, is skipped like an existing one), then the tasks of those inserted. Returns the
   * names not inserted, in item order.
   */
  async insert(items: ImportItem[]): Promise<{ imported: number; skipped: string[] }> {
    const rows = items.map((item) => ({
      id: randomUUID(),
      name: item.name,
      description: item.description ?? null,
    }));
    // tenant_id written explicitly (a distributed planner routes the insert by it); RLS checks each row.
    const { tenantId } = this.tenants.require();
    const inserted = await this.tenantSql.query<{ id: string }>(sql`
      INSERT INTO projects (tenant_id, id, name, description)
      SELECT ${tenantId}::uuid, * FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.name)}::text[],
        ${rows.map((r) => r.description)}::text[])
      ON CONFLICT DO NOTHING
      RETURNING id`);
    const ids = new Set(inserted.map((project) => project.id));
    const tasks = rows.flatMap((row, i) =>
      ids.has(row.id)
        ? (items[i].tasks ?? []).map((task) => ({
            id: randomUUID(),
            projectId: row.id,
            title: task.title,
            done: task.done ?? false,
          }))
        : [],
    );
    if (tasks.length > 0) {
      await this.tenantSql.query(sql`
        INSERT INTO tasks (tenant_id, id, project_id, title, done)
        SELECT ${tenantId}::uuid, * FROM unnest(${tasks.map((t) => t.id)}::uuid[], ${tasks.map((t) => t.projectId)}::uuid[],
          ${tasks.map((t) => t.title)}::text[], ${tasks.map((t) => t.done)}::boolean[])`);
    }
    return {
      imported: inserted.length,
      skipped: rows.filter((row) => !ids.has(row.id)).map((row) => row.name),
    };
  }

  /** Sets a project's status; archiving also marks its tasks done. False when there is no such project. */
  async setArchived(id: string, archived: boolean): Promise<boolean> {
    const { count } = await this.db.project.updateMany({
      where: { id },
      data: { status: archived ? 'archived' : 'active' },
    });
    if (count === 0) return false;
    if (archived)
      await this.db.task.updateMany({ where: { projectId: id, done: false }, data: { done: true } });
    return true;
  }
}
