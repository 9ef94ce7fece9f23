import 'reflect-metadata';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Cleanup, sleep } from './cleanup';
import {
  createBenchDatabase,
  createTenants,
  emptyProjects,
  postgresStartedAt,
  postgresVersion,
  seedProjects,
} from './database';
import { buildBenchEnv, exportAppEnvironment, REPO_ROOT } from './environment';
import { combine, Measurement, round } from './measurement';
import { parseOptions } from './options';
import { appsOf, keepAppLogs, nodeArgsFrom, startStack, Stack } from './processes';
import { summariseProfile } from './profile-summary';
import { deleteQueues } from './queues';
import {
  appendDocs,
  machineInfo,
  Results,
  ScenarioResult,
  skipped,
  targetLines,
  textTable,
  writeResults,
} from './report';
import { runArticle } from './scenarios/article.scenario';
import { runCreatesBusy, runCreatesIdle } from './scenarios/creates-during-import.scenario';
import { runFullCreate, runFullList, runObservability } from './scenarios/full-stack.scenario';
import { runImport } from './scenarios/import.scenario';
import { runNoisyJobs, runNoisyNeighbour } from './scenarios/noisy-neighbour.scenario';
import { runRaw, runRawPipelined } from './scenarios/raw.scenario';
import { runSingleCreate, runSingleGet } from './scenarios/single-request.scenario';
import { ScenarioContext, tokenFor } from './scenarios/scenario';
import { WorkerHarness } from './scenarios/worker-harness';
import { runRlsOff, runWorker } from './scenarios/worker.scenario';
import { evaluateTargets } from './targets';

const LIST_SEED_PER_TENANT = 25;
// The import scenarios import as one tenant and create as another.
const IMPORT_SKIPPED = 'needs --tenants 2 or more';
const RESULTS_PATH = join(REPO_ROOT, 'bench', 'results.json');
const DOCS_PATH = join(REPO_ROOT, 'docs', 'benchmarks.md');
const PROFILE_DIR = join(REPO_ROOT, 'bench', 'profiles');
const QUIET = { LOG_LEVEL: 'silent', OTEL_SDK_DISABLED: 'true', METRICS_ENABLED: 'false' };
// Creates a second for the observability pair: a third or less of what full_create completes here.
const OBSERVED_RATE_PER_S = 50;

interface Step {
  name: string;
  run: (label: string) => Promise<Measurement>;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const cleanup = new Cleanup();
  cleanup.installSignalHandlers();
  const signal = cleanup.abort.signal;
  const env = buildBenchEnv();
  exportAppEnvironment(env);
  console.log(
    `Tenantry bench ${env.runId}: ${options.quick ? 'quick, ' : ''}${options.duration} s per scenario, ` +
      `${options.connections} connections, ${options.tenants} tenants, repeat ${options.repeat}`,
  );

  try {
    const admin = await createBenchDatabase(env, cleanup);
    cleanup.add('delete queues', () => deleteQueues(env.amqpUrl, env.queuePrefix));
    const tenants = await createTenants(admin, options.tenants);
    const tokens = tenants.map((tenantId) => tokenFor(env, tenantId));
    const ctx: ScenarioContext = {
      env,
      options,
      admin,
      tenants,
      tokens,
      cleanup,
      signal,
      warmupS: options.quick ? 0.5 : Math.min(2, options.duration * 0.2),
    };

    // Built now, while RLS is on: the worker's safety check refuses to start otherwise.
    const harness = await WorkerHarness.start();
    cleanup.add('in-process worker', () => harness.close());
    let stack: Stack | undefined;
    if (options.cpuProf) rmSync(PROFILE_DIR, { recursive: true, force: true });
    if (process.env.BENCH_APP_LOG_DIR) keepAppLogs(process.env.BENCH_APP_LOG_DIR);
    // BENCH_APP_NODE_ARGS (e.g. "--max-old-space-size=128") reaches the two app processes only.
    const appArgs = nodeArgsFrom('BENCH_APP_NODE_ARGS');
    const nodeArgs = [
      ...appArgs,
      ...(options.cpuProf ? ['--require', join(__dirname, 'cpu-profile.preload.js')] : []),
    ];
    const ensureStack = async () => {
      stack ??= await startStack(env, cleanup, nodeArgs, options.cpuProf ? PROFILE_DIR : undefined);
      return stack;
    };

    // What observability costs full_create: three stacks of their own, on queues of their own, that
    // run nothing else, so all have the same history (the main stack also runs the imports, after
    // which it is slower): one as configured, one without tracing (the issue's "logs and metrics"),
    // one with no log lines, no metrics and no tracing.
    const sideStack = (name: string, extra: Record<string, string>) => {
      const sideEnv = { ...env, queuePrefix: `${env.queuePrefix}${name}.` };
      cleanup.add(`delete ${name} queues`, () => deleteQueues(sideEnv.amqpUrl, sideEnv.queuePrefix));
      let started: Stack | undefined;
      return async () => (started ??= await startStack(sideEnv, cleanup, nodeArgs, undefined, extra));
    };
    const observedStack = sideStack('observed', {});
    const untracedStack = sideStack('untraced', { OTEL_SDK_DISABLED: 'true' });
    const quietStack = sideStack('quiet', QUIET);

    const creates = [...new Set([32, options.connections])];
    const allSteps: Step[] = [
      { name: 'raw', run: (label) => runRaw(ctx, label) },
      { name: 'raw_pipelined', run: (label) => runRawPipelined(ctx, label) },
      { name: 'worker', run: (label) => runWorker(ctx, harness, label) },
      { name: 'article', run: (label) => runArticle(ctx, label) },
      { name: 'rls_off', run: (label) => runRlsOff(ctx, harness, label) },
      ...creates.map((c) => ({
        name: `full_create_c${c}`,
        run: async (label: string) => runFullCreate(ctx, await ensureStack(), label, c),
      })),
      {
        name: 'full_create_observed',
        run: async (label: string) =>
          runObservability(
            ctx,
            { observed: await observedStack(), untraced: await untracedStack(), quiet: await quietStack() },
            label,
            OBSERVED_RATE_PER_S,
          ),
      },
      {
        name: 'full_list',
        run: async () => {
          await seedProjects(admin, LIST_SEED_PER_TENANT);
          return runFullList(ctx, await ensureStack());
        },
      },
      // On the stack's fresh queues, before the imports: what one user waits for when nothing else runs.
      { name: 'single_get', run: async () => runSingleGet(ctx, await ensureStack()) },
      { name: 'single_create', run: async (label) => runSingleCreate(ctx, await ensureStack(), label) },
      { name: 'noisy_neighbour', run: async (label) => runNoisyNeighbour(ctx, await ensureStack(), label) },
      { name: 'noisy_jobs', run: async (label) => runNoisyJobs(ctx, await ensureStack(), label) },
      { name: 'import', run: async (label) => runImport(ctx, await ensureStack(), label, 0) },
      // Projects with 2 tasks each: three rows an item. Left out of --quick, to keep it short.
      ...(options.quick
        ? []
        : [
            {
              name: 'import_tasks',
              run: async (label: string) => runImport(ctx, await ensureStack(), label, 2),
            },
          ]),
      { name: 'import_creates_idle', run: async (label) => runCreatesIdle(ctx, await ensureStack(), label) },
      { name: 'import_creates_busy', run: async (label) => runCreatesBusy(ctx, await ensureStack(), label) },
    ];
    const steps = allSteps
      .filter((s) => tenants.length >= 2 || !s.name.startsWith('import'))
      .filter((s) => !options.only || options.only.some((o) => s.name.startsWith(o)));

    // PostgreSQL and RabbitMQ are shared: other sessions' fault tests may restart them mid-run.
    const pgStartedAt = await postgresStartedAt(admin);
    const runs = new Map<string, Measurement[]>();
    for (let rep = 1; rep <= options.repeat && !signal.aborted; rep++) {
      for (const step of steps) {
        if (signal.aborted) break;
        // Each scenario starts from an empty table, so none pays for another's rows.
        await emptyProjects(admin);
        const m = await step.run(`${step.name}-r${rep}`);
        if (signal.aborted) break;
        runs.set(step.name, [...(runs.get(step.name) ?? []), m]);
        console.log(
          `  ${step.name.padEnd(20)}${options.repeat > 1 ? ` run ${rep}/${options.repeat}` : ''} ` +
            `${round(m.rps)} ${m.unit ?? 'req/s'}, p50 ${m.p50_ms} ms, p99 ${m.p99_ms} ms, ${m.errors} errors` +
            (m.detail ? ` ${JSON.stringify(m.detail)}` : '') +
            (m.first_error ? ` (first: ${m.first_error.slice(0, 200)})` : ''),
        );
      }
    }
    if (signal.aborted) return;

    const scenarios: Record<string, ScenarioResult> = {};
    const raw = runs.has('raw') ? combine(runs.get('raw') ?? []).rps : undefined;
    for (const [name, list] of runs) {
      const m = combine(list);
      // A fixed offered rate is no share of anything.
      const ratio = raw && m.offered_rps === undefined ? round(m.rps / raw, 3) : null;
      scenarios[name] = { ...m, ratio_to_raw: ratio };
      if (name === `full_create_c${options.connections}`) scenarios.full_create = scenarios[name];
    }
    if (tenants.length < 2) scenarios.import = skipped(IMPORT_SKIPPED);

    const targets = evaluateTargets(scenarios);
    const restarted =
      (await postgresStartedAt(admin)) === pgStartedAt
        ? ''
        : '**PostgreSQL restarted during this run** (not by the bench): its numbers are disturbed.';
    if (restarted) console.warn(`\n${restarted.replace(/\*/g, '')}`);
    const results: Results = {
      scenarios,
      machine: { ...machineInfo(await postgresVersion(admin)), postgres_restarted: Boolean(restarted) },
      options,
      targets,
    };
    console.log(
      `\n${textTable(scenarios)}\n\nTargets${options.repeat < 3 ? ' (stated for the median of --repeat 3)' : ''}:`,
    );
    console.log(targetLines(targets));
    if (options.cpuProf) {
      // Profiling slows both apps down: keep these numbers out of the record.
      console.log(`\nProfiled run: ${RESULTS_PATH} and ${DOCS_PATH} left as they were.`);
    } else {
      writeResults(RESULTS_PATH, results);
      appendDocs(
        DOCS_PATH,
        results,
        [options.only && `Only: ${options.only.join(', ')}.`, restarted].filter(Boolean).join(' '),
      );
      console.log(`\nWrote ${RESULTS_PATH} and appended to ${DOCS_PATH}`);
    }

    if (options.cpuProf && stack) await writeProfiles(stack);
  } catch (err) {
    if (!signal.aborted) {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exitCode = 1;
    }
  } finally {
    await cleanup.run();
    if (signal.aborted) process.exitCode = 130;
  }
}

async function writeProfiles(stack: Stack): Promise<void> {
  for (const app of appsOf(stack)) {
    app.signal('SIGUSR2');
    const file = join(PROFILE_DIR, `${app.name}.cpuprofile`);
    for (let i = 0; i < 50 && !existsSync(file); i++) await sleep(100);
    // Written by the child in one call; a short pause lets a large profile finish.
    await sleep(300);
    if (existsSync(file)) console.log(`\n${app.name} CPU profile (${file}):\n${summariseProfile(file)}`);
    else console.log(`\n${app.name}: no CPU profile written`);
  }
}

void main();
