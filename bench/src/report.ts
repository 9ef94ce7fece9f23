import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { Measurement, round } from './measurement';
import type { BenchOptions } from './options';

export type ScenarioResult = (Measurement & { ratio_to_raw: number | null; runs_rps?: number[] }) | Skipped;

interface Skipped {
  skipped: true;
  reason: string;
  rps: null;
  p50_ms: null;
  p99_ms: null;
  errors: null;
  ratio_to_raw: null;
}

export function skipped(reason: string): Skipped {
  return { skipped: true, reason, rps: null, p50_ms: null, p99_ms: null, errors: null, ratio_to_raw: null };
}

export interface Results {
  scenarios: Record<string, ScenarioResult>;
  machine: { cpus: number; model: string; node: string; postgres: string; date: string };
  options: BenchOptions;
  targets: Target[];
}

export interface Target {
  name: string;
  status: 'PASS' | 'MISS' | 'n/a';
  detail: string;
}

export function machineInfo(postgres: string): Results['machine'] {
  const list = cpus();
  return {
    cpus: list.length,
    model: list[0]?.model ?? 'unknown',
    node: process.version,
    postgres,
    date: new Date().toISOString(),
  };
}

function measured(
  result: ScenarioResult | undefined,
): (Measurement & { ratio_to_raw: number | null }) | undefined {
  return result && !('skipped' in result) ? result : undefined;
}

const pct = (ratio: number) => `${round(ratio * 100)}%`;

/** The issue's targets; a target whose scenarios did not run is n/a. */
export function evaluateTargets(scenarios: Record<string, ScenarioResult>): Target[] {
  const s = (name: string) => measured(scenarios[name]);
  const raw = s('raw');
  const worker = s('worker');
  const article = s('article');
  const rlsOff = s('rls_off');
  const create = s('full_create');
  const list = s('full_list');
  // A scenario that completed nothing fails every target it is part of, rather than dividing by 0.
  const target = (name: string, inputs: unknown[], pass: () => boolean, detail: () => string): Target => {
    if (!inputs.every(Boolean)) return { name, status: 'n/a', detail: 'scenario not run' };
    const empty = inputs.some((i) => typeof i === 'object' && (i as Measurement).rps === 0);
    return { name, status: !empty && pass() ? 'PASS' : 'MISS', detail: detail() };
  };

  const fullStack = Object.keys(scenarios)
    .map(s)
    .filter((m): m is Measurement & { ratio_to_raw: number | null } => m?.gateway_peak_rss_mb !== undefined);
  const peak = (pick: (m: Measurement) => number | undefined) =>
    Math.max(...fullStack.map((m) => pick(m) ?? 0));

  return [
    target(
      'full_create ≥ 30% of raw, p99 ≤ 100 ms at 64 connections, 0 errors',
      [raw, create],
      () => create!.rps >= 0.3 * raw!.rps && create!.p99_ms <= 100 && create!.errors === 0,
      () => `${pct(create!.rps / raw!.rps)} of raw, p99 ${create!.p99_ms} ms, ${create!.errors} errors`,
    ),
    target(
      'worker ≥ 40% of raw',
      [raw, worker],
      () => worker!.rps >= 0.4 * raw!.rps,
      () => `${pct(worker!.rps / raw!.rps)} of raw`,
    ),
    target(
      '|rls_on − rls_off| ≤ 10% (worker vs rls_off)',
      [worker, rlsOff],
      () => Math.abs(worker!.rps - rlsOff!.rps) <= 0.1 * rlsOff!.rps,
      () =>
        `worker ${worker!.rps} vs rls_off ${rlsOff!.rps} rps: ${pct((worker!.rps - rlsOff!.rps) / rlsOff!.rps)}`,
    ),
    target(
      'worker ≥ 2× article',
      [worker, article],
      () => worker!.rps >= 2 * article!.rps,
      () => `${round(worker!.rps / article!.rps, 2)}×`,
    ),
    target(
      'full_list ≥ 2× full_create',
      [list, create],
      () => list!.rps >= 2 * create!.rps,
      () => `${round(list!.rps / create!.rps, 2)}×`,
    ),
    target(
      'gateway and worker peak RSS < 250 MB',
      [fullStack.length > 0],
      () => peak((m) => m.gateway_peak_rss_mb) < 250 && peak((m) => m.worker_peak_rss_mb) < 250,
      () =>
        `gateway ${peak((m) => m.gateway_peak_rss_mb)} MB, worker ${peak((m) => m.worker_peak_rss_mb)} MB`,
    ),
  ];
}

const COLUMNS = [
  'scenario',
  'req/s',
  'ratio to raw',
  'p50 ms',
  'p99 ms',
  'errors',
  'gateway RSS MB',
  'worker RSS MB',
];

function rows(scenarios: Record<string, ScenarioResult>): string[][] {
  return Object.entries(scenarios).map(([name, r]) => {
    if ('skipped' in r) return [name, `skipped: ${r.reason}`, '', '', '', '', '', ''];
    const opt = (v: number | undefined) => (v === undefined ? '' : String(v));
    return [
      name,
      String(round(r.rps)),
      r.ratio_to_raw === null ? '' : `${round(r.ratio_to_raw, 3)}`,
      String(r.p50_ms),
      String(r.p99_ms),
      String(r.errors),
      opt(r.gateway_peak_rss_mb),
      opt(r.worker_peak_rss_mb),
    ];
  });
}

export function textTable(scenarios: Record<string, ScenarioResult>): string {
  const body = rows(scenarios);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(COLUMNS), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function targetLines(targets: Target[]): string {
  return targets.map((t) => `${t.status.padEnd(4)}  ${t.name}: ${t.detail}`).join('\n');
}

export function writeResults(path: string, results: Results): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}

const DOC_INTRO = `# Benchmarks

\`npm run bench\` measures the create path of Tenantry layer by layer, so a slowdown can be pinned
to a layer. Each run uses a fresh database (\`tenantry_bench_<run>\`, migrated, dropped at the end),
its own queue prefix (\`bench-<run>.\`), 20 tenants, and the same concurrency in every scenario.
Options: \`--duration <s>\` (default 10), \`--connections <n>\` (default 64), \`--tenants <n>\`
(default 20), \`--repeat <n>\` (median of n runs; the targets are stated for \`--repeat 3\`),
\`--quick\` (about 3 s per scenario, under a minute in all), \`--cpu-prof\` (profile the gateway
and the worker and print their top self-time functions), \`--only a,b\`. Raw numbers of the latest
run are in \`bench/results.json\`.

| Scenario | What runs |
| --- | --- |
| \`raw\` | \`pg\` alone, as the runtime role, pool of 10: \`BEGIN; set_config(tenant, true); INSERT; COMMIT\`. The ceiling. |
| \`worker\` | The worker's own code in process, no HTTP, no broker: \`WorkerModule\`'s \`TenantTransaction.run(() => ProjectsService.create())\` inside \`cls.run\`, as a message does. |
| \`article\` | The per-query extension from the widely copied article, corrected: every Prisma operation becomes a batch \`$transaction([set_config, query])\` on the base client. |
| \`rls_off\` | \`worker\` with RLS disabled (and not forced) on \`projects\`: what the policies cost. |
| \`full_create_c32\`, \`full_create_c64\` | \`POST /projects\` through the built gateway → RabbitMQ → built worker → PostgreSQL (separate processes), autocannon, tokens of 20 tenants rotated per request. \`full_create\` is the one at \`--connections\` (64). |
| \`full_list\` | \`GET /projects\` (a page of 20; 25 projects seeded per tenant) the same way. |
| \`import\` | Queued imports: not built yet, recorded as skipped. |

Rates are completed (2xx) requests per second; latencies are per request (p50, p99); errors are
non-2xx answers plus socket errors and timeouts; RSS is each process's peak (VmHWM) since it started.
The load generator shares the machine (and its cores) with PostgreSQL, RabbitMQ and the apps.

## Targets (issue 4)

- \`full_create\` ≥ 30% of \`raw\`, with p99 ≤ 100 ms at 64 connections and 0 errors
- \`worker\` ≥ 40% of \`raw\`
- |\`worker\` − \`rls_off\`| ≤ 10% of \`rls_off\` (RLS costs little)
- \`worker\` ≥ 2× \`article\`
- \`full_list\` ≥ 2× \`full_create\`
- gateway and worker peak RSS < 250 MB

## Runs
`;

export function appendDocs(path: string, results: Results, note: string): void {
  mkdirSync(dirname(path), { recursive: true });
  if (!existsSync(path)) writeFileSync(path, DOC_INTRO);
  const { machine, options } = results;
  const mode = options.quick ? 'quick' : `${options.duration} s`;
  const header = `| ${COLUMNS.join(' | ')} |\n|${COLUMNS.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`;
  const table = rows(results.scenarios)
    .map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`)
    .join('\n');
  const targets = results.targets.map((t) => `- **${t.status}** ${t.name}: ${t.detail}`).join('\n');
  appendFileSync(
    path,
    `
### ${machine.date.slice(0, 16).replace('T', ' ')} UTC — ${mode}, ${options.connections} connections, ${options.tenants} tenants, repeat ${options.repeat}

${machine.cpus} × ${machine.model}, Node ${machine.node}, PostgreSQL ${machine.postgres}.${note ? ` ${note}` : ''}

${header}
${table}

${targets}
`,
  );
}
