import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { TENANT_PRISMA, TenantPrismaClient } from '@app/database';
import type { ImportItem } from './projects-jobs.contract';

/** Bulk writes of the project jobs, through the tenant-scoped client: two statements a batch, not one a row. */
@Injectable()
export class ProjectsImportRepository {
  constructor(@Inject(TENANT_PRISMA) private readonly db: TenantPrismaClient) {}

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
    const inserted = await this.db.project.createManyAndReturn({
      data: rows,
      skipDuplicates: true,
      select: { id: true },
    });
    const ids = new Set(inserted.map((project) => project.id));
    const tasks = rows.flatMap((row, i) =>
      ids.has(row.id)
        ? (items[i].tasks ?? []).map((task) => ({
            projectId: row.id,
            title: task.title,
            done: task.done ?? false,
          }))
        : [],
    );
    if (tasks.length > 0) await this.db.task.createMany({ data: tasks });
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
