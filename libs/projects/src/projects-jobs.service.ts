import { Injectable } from '@nestjs/common';
import { JobAccepted, JobsService } from '@app/jobs';
import { ProjectsRepository } from './projects.repository';
import { ProjectsImportRepository } from './projects-import.repository';
import {
  ArchiveBatchPayload,
  ArchivePayload,
  ImportBatchPayload,
  ImportItem,
  ImportResult,
  MAX_LISTED_CONFLICTS,
  ProjectJobPattern,
} from './projects-jobs.contract';

const EMPTY: ImportResult = { imported: 0, conflicts: 0, conflictNames: [] };

/** The project operations that run as background jobs: import, archive and unarchive. */
@Injectable()
export class ProjectsJobsService {
  constructor(
    private readonly jobs: JobsService,
    private readonly projects: ProjectsRepository,
    private readonly bulk: ProjectsImportRepository,
  ) {}

  startImport(items: ImportItem[]): Promise<JobAccepted> {
    return this.jobs.start(
      'projects.import',
      items,
      ProjectJobPattern.ImportBatch,
      (jobId, batch, slice) => ({
        jobId,
        batch,
        items: slice,
      }),
    );
  }

  async importBatch({ jobId, items }: ImportBatchPayload): Promise<void> {
    await this.jobs.runBatch(jobId, async () => {
      const { imported, skipped } = await this.bulk.insert(items);
      return {
        done: items.length,
        result: (previous) => {
          const sofar = (previous as ImportResult | null) ?? EMPTY;
          return {
            imported: sofar.imported + imported,
            conflicts: sofar.conflicts + skipped.length,
            conflictNames: [...sofar.conflictNames, ...skipped].slice(0, MAX_LISTED_CONFLICTS),
          } satisfies ImportResult;
        },
      };
    });
  }

  /** 404 at once for a project that does not exist; the change itself is the job's. */
  async startArchive({ id, archived }: ArchivePayload): Promise<JobAccepted> {
    await this.projects.findById(id);
    const type = archived ? 'projects.archive' : 'projects.unarchive';
    return this.jobs.start(type, [id], ProjectJobPattern.ArchiveBatch, (jobId) => ({ jobId, id, archived }));
  }

  async archiveBatch({ jobId, id, archived }: ArchiveBatchPayload): Promise<void> {
    await this.jobs.runBatch(jobId, async () => {
      const result = () => ({ projectId: id, status: archived ? 'archived' : 'active' });
      if (!(await this.bulk.setArchived(id, archived))) {
        return { done: 0, result, error: 'The project no longer exists' };
      }
      return { done: 1, result };
    });
  }
}
