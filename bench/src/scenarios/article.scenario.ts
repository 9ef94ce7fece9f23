import { AsyncLocalStorage } from 'node:async_hooks';
import { PrismaService } from '../../../libs/database/src/client/prisma.service';
import { closedLoop } from '../driver';
import { Measurement } from '../measurement';
import { POOL_SIZE } from './raw.scenario';
import { ScenarioContext, tenantFor, uniqueName } from './scenario';

/**
 * The widely copied "RLS with a Prisma extension" recipe, corrected so it runs: every model
 * operation becomes its own batch transaction of set_config + the query, on the base client
 * captured by the closure (inside $allOperations `this` is not the client).
 */
function articleClient(base: PrismaService, tenant: AsyncLocalStorage<string>) {
  return base.$extends({
    query: {
      $allModels: {
        async $allOperations({ args, query }) {
          const tenantId = tenant.getStore();
          if (!tenantId) throw new Error('no tenant in context');
          const [, result] = await base.$transaction([
            base.$executeRaw`SELECT set_config('app.current_tenant_id', ${tenantId}, true)`,
            query(args),
          ]);
          return result;
        },
      },
    },
  });
}

export async function runArticle(ctx: ScenarioContext, label: string): Promise<Measurement> {
  const base = new PrismaService({
    url: ctx.env.runtimeUrl,
    poolSize: POOL_SIZE,
    applicationName: 'bench-article',
  });
  const tenant = new AsyncLocalStorage<string>();
  const client = articleClient(base, tenant);
  try {
    await base.$connect();
    return await closedLoop(
      // Awaited inside run(): a Prisma query starts only when awaited, and must see the tenant.
      (seq) =>
        tenant.run(
          tenantFor(ctx, seq),
          async () => await client.project.create({ data: { name: uniqueName(label, seq) } }),
        ),
      {
        concurrency: ctx.options.connections,
        durationMs: ctx.options.duration * 1000,
        warmupMs: ctx.warmupS * 1000,
        signal: ctx.signal,
      },
    );
  } finally {
    await base.$disconnect();
  }
}
