import { DynamicModule, Provider, Type } from '@nestjs/common';

/** What a resource brings to the worker, which alone holds database credentials. */
export interface WorkerParts {
  /** Message controllers. */
  message: Type[];
  /** Services and repositories. */
  providers: Provider[];
}

/** What a resource brings to each app. */
export interface ResourceParts {
  /** HTTP controllers: the gateway's side, which only sends commands. */
  http: Type[];
  /**
   * The worker's side, loaded by forWorker() only: its repositories bring the database client
   * (Prisma's runtime, pg) and the message pipeline, which a gateway never uses.
   */
  worker: () => Promise<WorkerParts>;
}

/**
 * The base of a resource's module, so that each app registers a resource with one line:
 * `class TasksModule extends ResourceModule({ ... }) {}`, then `TasksModule.forGateway()` in the
 * gateway and `TasksModule.forWorker()` in the worker.
 */
export function ResourceModule(parts: ResourceParts) {
  return class {
    static forGateway(this: Type): DynamicModule {
      return { module: this, controllers: parts.http };
    }

    static async forWorker(this: Type): Promise<DynamicModule> {
      const { message, providers } = await parts.worker();
      return { module: this, controllers: message, providers, exports: providers };
    }
  };
}
