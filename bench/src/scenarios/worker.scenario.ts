import { disableProjectsRls, enableProjectsRls } from '../database';
import { closedLoop } from '../driver';
import { Measurement } from '../measurement';
import { ScenarioContext, tenantFor, uniqueName } from './scenario';
import { WorkerHarness } from './worker-harness';

export function runWorker(ctx: ScenarioContext, harness: WorkerHarness, label: string): Promise<Measurement> {
  return closedLoop((seq) => harness.create(tenantFor(ctx, seq), uniqueName(label, seq)), {
    concurrency: ctx.options.connections,
    durationMs: ctx.options.duration * 1000,
    warmupMs: ctx.warmupS * 1000,
    signal: ctx.signal,
  });
}

/** The worker path with RLS off on projects: what the policies cost. RLS is restored even on error. */
export async function runRlsOff(
  ctx: ScenarioContext,
  harness: WorkerHarness,
  label: string,
): Promise<Measurement> {
  await disableProjectsRls(ctx.admin);
  try {
    return await runWorker(ctx, harness, label);
  } finally {
    await enableProjectsRls(ctx.admin);
  }
}
