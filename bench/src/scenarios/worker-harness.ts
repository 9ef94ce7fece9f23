import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClsService } from 'nestjs-cls';
import { TenantTransaction } from '@app/database';
import { projectsWorkerSide, type ProjectsService } from '@app/projects';
import { TenantContextService } from '@app/tenancy';

/**
 * The worker's own create path in this process, minus the broker: the same module, the same
 * tenant transaction and service a message goes through. Built while RLS is on, because the
 * worker's safety check refuses to start otherwise.
 */
export class WorkerHarness {
  private constructor(
    private readonly app: INestApplicationContext,
    private readonly cls: ClsService,
    private readonly tenantContext: TenantContextService,
    private readonly tenantTx: TenantTransaction,
    private readonly projects: ProjectsService,
  ) {}

  /** Reads its configuration from process.env, as the real worker does (see exportAppEnvironment). */
  static async start(): Promise<WorkerHarness> {
    // Imported only now: the module's ConfigModule.forRoot validates process.env when it is
    // loaded, so a static import would read the environment before main() set the bench's.
    const { WorkerModule } = await import('../../../apps/worker/src/worker.module.js');
    const app = await NestFactory.createApplicationContext(WorkerModule, { logger: ['error', 'warn'] });
    return new WorkerHarness(
      app,
      app.get(ClsService),
      app.get(TenantContextService),
      app.get(TenantTransaction),
      app.get((await projectsWorkerSide()).ProjectsService),
    );
  }

  /** Exactly what the message interceptor and controller do for projects.create.v1. */
  create(tenantId: string, name: string): Promise<unknown> {
    return this.cls.run(() => {
      this.tenantContext.set({ tenantId, userId: 'bench', correlationId: 'bench' });
      return this.tenantTx.run(() => this.projects.create({ name }));
    });
  }

  close(): Promise<void> {
    return this.app.close();
  }
}
