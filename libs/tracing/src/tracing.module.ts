import { Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { flushTraces } from './tracing.setup';

/** Exports the spans still waiting in the batch before the process ends. */
@Injectable()
export class TracingFlush implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return flushTraces();
  }
}

/** Imported once by each app's root module; the SDK itself is started by the app's tracing.ts. */
@Global()
@Module({ providers: [TracingFlush] })
export class TracingModule {}
