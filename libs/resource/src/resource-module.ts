import { DynamicModule, Provider, Type } from '@nestjs/common';

/** What a resource brings to each app. */
export interface ResourceParts {
  /** HTTP controllers: the gateway's side, which only sends commands. */
  http: Type[];
  /** Message controllers: the worker's side. */
  message: Type[];
  /** Services and repositories; only the worker, which alone holds database credentials, gets them. */
  providers: Provider[];
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

    static forWorker(this: Type): DynamicModule {
      return {
        module: this,
        controllers: parts.message,
        providers: parts.providers,
        exports: parts.providers,
      };
    }
  };
}
