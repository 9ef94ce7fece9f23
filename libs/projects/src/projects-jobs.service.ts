import { Inject, Injectable } from '@nestjs/common';
import { JOBS, JobAccepted, type JobsService } from '@app/jobs';
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
const NOTHING = { imported: 0, skipped: [] as string[] };

/** The project operations that run as background jobs: import, archive and unarchive. */
@Injectable()
export class ProjectsJobsService {
  constructor(
    @Inject(JOBS) private readonly jobs: JobsService,
    private readonly projects: ProjectsRepository,
    private readonly bulk: ProjectsImportRepository,
  ) {}

  /**
   * Batches may commit in any order (the worker takes several at once), so a name repeated within
   * the request is settled here: its first occurrence is imported, the others are conflicts.
   */
  startImport(items: ImportItem[]): Promise<JobAccepted> {
    const seen = new Set<unknown>();
    const marked = items.map((item) => {
      // The start payload is checked only shallowly: a name may not even be a string yet (its batch refuses it).
      const name = typeof item.name === 'string' ? item.name.normalize('NFC') : item;
      const repeat = seen.has(name);
      seen.add(name);
      return { item, repeat };
    });
    return this.jobs.start(
      'projects.import',
      marked,
      ProjectJobPattern.ImportBatch,
      (jobId, batch, slice) => ({
        jobId,
        batch,
        items: slice.filter((m) => !m.repeat).map((m) => m.item),
        repeats: slice.filter((m) => m.repeat).map((m) => m.item.name),
      }),
    );
  }

  async importBatch({ jobId, items, repeats = [] }: ImportBatchPayload): Promise<void> {
    await this.jobs.runBatch(jobId, async () => {
      const { imported, skipped } = items.length > 0 ? await this.bulk.insert(items) : NOTHING;
      return {
        done: items.length + repeats.length,
        result: (previous) => {
          const sofar = (previous as ImportResult | null) ?? EMPTY;
          return {
            imported: sofar.imported + imported,
            conflicts: sofar.conflicts + skipped.length + repeats.length,
            conflictNames: [...sofar.conflictNames, ...skipped, ...repeats].slice(0, MAX_LISTED_CONFLICTS),
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
