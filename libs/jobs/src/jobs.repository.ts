import { Inject, Injectable } from '@nestjs/common';
import { TENANT_PRISMA, TenantPrismaClient } from '@app/database';
import type { JobModel } from '@app/database';
import { keyset, PageRequest } from '@app/pagination';
import type { JobStatus } from './jobs.contract';

export type JobRecord = JobModel;

// A job still to be worked on; the others are finished.
const OPEN: JobStatus[] = ['queued', 'running'];

/** Jobs of the tenant in context, through the tenant-scoped client (RLS decides which exist). */
@Injectable()
export class JobsRepository {
  constructor(@Inject(TENANT_PRISMA) private readonly db: TenantPrismaClient) {}

  /** False when a job with this id exists already (its command is being repeated). */
  async create(job: {
    id: string;
    type: string;
    progressTotal: number;
    batchesTotal: number;
  }): Promise<boolean> {
    const { count } = await this.db.job.createMany({ data: [job], skipDuplicates: true });
    return count === 1;
  }

  async find(id: string): Promise<JobRecord | null> {
    return await this.db.job.findFirst({ where: { id } });
  }

  async findPage(status: JobStatus | undefined, { take, after }: PageRequest): Promise<JobRecord[]> {
    const page = keyset('desc', after);
    return await this.db.job.findMany({ ...page, where: { ...page.where, ...(status && { status }) }, take });
  }

  /**
   * Counts a batch into an open job (running from now on) and locks its row until the transaction
   * ends, so that the result is read and written by one batch at a time. Undefined when the job is
   * no longer open.
   */
  async count(id: string, done: number): Promise<JobRecord | undefined> {
    const [job] = await this.db.job.updateManyAndReturn({
      where: { id, status: { in: OPEN } },
      data: { status: 'running', progressDone: { increment: done }, batchesDone: { increment: 1 } },
    });
    return job;
  }

  async update(
    id: string,
    data: Partial<Omit<JobRecord, 'tenantId' | 'id' | 'result'>> & { result?: object },
  ) {
    await this.db.job.updateMany({ where: { id }, data });
  }

  /** Ends an open job with `status`; undefined when it was not open. */
  async finish(id: string, status: JobStatus, error?: string): Promise<JobRecord | undefined> {
    const [job] = await this.db.job.updateManyAndReturn({
      where: { id, status: { in: OPEN } },
      data: { status, error, finishedAt: new Date() },
    });
    return job;
  }
}
