import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { Measurement, round } from './measurement';
import type { BenchOptions } from './options';

export type ScenarioResult =
  | (Measurement & {
      ratio_to_raw: number | null;
      runs_rps?: number[];
      runs_detail?: Record<string, number>[];
    })
  | Skipped;

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
  machine: {
    cpus: number;
    model: string;
    node: string;
    postgres: string;
    date: string;
    /** 1, 5 and 15 min load averages as the run ends: other work on the machine skews every number. */
    loadavg: number[];
    postgres_restarted?: boolean;
  };
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
    loadavg: loadavg().map((l) => round(l, 2)),
  };
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
      // An import counts rows, and an open-loop load's rate is the one it was offered.
      `${round(r.rps)}${r.unit ? ` ${r.unit}` : ''}${r.offered_rps ? ` (offered ${r.offered_rps})` : ''}`,
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
\`--quick\` (about 3 s per scenario, no \`import_tasks\`: about a minute in all, plus the build),
\`--cpu-prof\` (profile the gateway and the worker and print their top self-time functions),
\`--only a,b\` (names or their beginnings: \`--only import\` runs the four import rows). Raw numbers of
the latest run are in \`bench/results.json\`.

| Scenario | What runs |
| --- | --- |
| \`raw\` | \`pg\` alone, as the runtime role, pool of 10: \`BEGIN; set_config(tenant, true); INSERT; COMMIT\`. The ceiling. |
| \`raw_pipelined\` | The same four statements written in one packet (pg's pipeline mode, the socket corked while they are queued), their answers awaited together. The ceiling for a pipelined transaction. |
| \`worker\` | The worker's own code in process, no HTTP, no broker: \`WorkerModule\`'s \`TenantTransaction.run(() => ProjectsService.create())\` inside \`cls.run\`, as a message does. |
| \`article\` | The per-query extension from the widely copied article, corrected: every Prisma operation becomes a batch \`$transaction([set_config, query])\` on the base client. |
| \`rls_off\` | \`worker\` with RLS disabled (and not forced) on \`projects\`: what the policies cost. |
| \`full_create_c32\`, \`full_create_c64\` | \`POST /projects\` through the built gateway → RabbitMQ → built worker → PostgreSQL (separate processes), autocannon, tokens of 20 tenants rotated per request. \`full_create\` is the one at \`--connections\` (64). |
| \`full_create_observed\` | \`POST /projects\` at a steady 50/s on three more stacks at the same time, each on queues of its own and running nothing else: one as configured (JSON logs, metrics, tracing without an exporter), one with \`OTEL_SDK_DISABLED=true\` (logs and metrics), one with \`LOG_LEVEL=silent\`, \`METRICS_ENABLED=false\` and \`OTEL_SDK_DISABLED=true\`. \`detail.app_cpu_ms_per_request\`, \`detail.untraced_app_cpu_ms_per_request\` and \`detail.quiet_app_cpu_ms_per_request\` are the gateway's and the worker's CPU per create on each, over the same window: side by side, all meet the same machine (measured one after the other, one stack's CPU per create moved by ±20% between windows). |
| \`full_list\` | \`GET /projects\` (a page of 20; 25 projects seeded per tenant) the same way. |
| \`single_get\`, \`single_create\` | One client, one request at a time (\`GET /projects?limit=5\`, \`POST /projects\`) for \`--duration\` s on the otherwise idle stack, over a kept-alive connection: what one user waits for, which saturated scenarios never show. |
| \`noisy_neighbour\` | Two fresh tenants. B reads \`GET /projects?limit=5\` at a steady 10/s for \`--duration\` s alone, then the same while A sends \`POST /projects\` at 100/s, past its own budget (20/s, burst 20, set in its \`tenants\` row as \`npm run tenant:limits\` does). The row is B's while A floods; \`detail\` has B alone and A's answers (429s, accepted/s). A 429 for B is an error. |
| \`noisy_jobs\` | Two fresh tenants on different jobs queues. B's 10-item import (POST to the job's \`finishedAt\`), five times alone, then one after another while A imports 10,000 items back to back for \`--duration\` s; only B's imports started while one of A's runs count. Its unit is B's imports a second; p50/p99 are B's. |
| \`import\` | \`POST /projects/import\` of 10,000 items (a name each, no tasks) as one tenant through the same built stack, then \`GET /jobs/:id\` every 100 ms until the job ends; three such imports one after another. Its rate is **rows/s**: 30,000 ÷ the sum of (POST sent → the job's \`finishedAt\`, set by the worker in the last batch's transaction, same clock). Its p50/p99 are of the three POSTs' own answers (→ 202). One 10,000-item import warms up first: a process's first large import runs 2–3× slower (cold code). The job must end \`succeeded\` with progress 10,000/10,000, 10,000 imported, 0 conflicts, and the tenant must hold exactly those 10,000 projects (counted as admin), or the bench stops with an error and records nothing. A 503 is sent again (the POST with the same \`Idempotency-Key\`) and counted in \`detail.retries\`. |
| \`import_tasks\` | The same with 2 tasks per item: 30,000 rows an import (the 20,000 tasks checked too), all counted in its rows/s; \`detail.items_per_s\` counts projects. Left out of \`--quick\`. |
| \`import_creates_idle\` | The interactive load: \`POST /projects\` at a steady 20/s (open loop: one every 50 ms whether or not earlier ones have answered) from a tenant that is not importing, for \`--duration\` s but at least 30 (600 creates, so that p99 is not one stall) after a warm-up. Latency from send to answer. Every create answered 2xx must be in the database. |
| \`import_creates_busy\` | The same load while 10,000-item imports run back to back from the importing tenant, for at least as long as \`import_creates_idle\` (until the import then running ends); only creates sent while an import is in flight count. \`detail\` has the imports' own rows/s under this load. |

Rates are completed (2xx) requests per second (rows per second for the imports; "offered 20" marks
a fixed open-loop rate, which measures latency, not capacity); latencies are per request (p50, p99);
errors are non-2xx answers plus socket errors and timeouts; RSS is each process's peak (VmHWM): for
\`full_*\` during that load alone (the peak is reset as it starts), for the others since the last reset.
The load generator shares the machine (and its cores) with PostgreSQL, RabbitMQ and the apps.

## Targets (issue 4)

- \`full_create\` ≥ 30% of \`raw\`, with p99 ≤ 100 ms at 64 connections and 0 errors
- \`worker\` ≥ 40% of \`raw\`
- |\`worker\` − \`rls_off\`| ≤ 10% of \`rls_off\` (RLS costs little)
- \`worker\` ≥ 2× \`article\`
- \`full_list\` ≥ 2× \`full_create\`
- gateway and worker peak RSS < 250 MB

## Targets (issue 11)

- logging and metrics cost at most 10%: the gateway's and worker's CPU per create with them ≤ 1.1× without, the stacks at a steady 50 creates/s side by side (\`full_create_observed\`: the stack without tracing against the quiet one; median of the repetitions' ratios). Tracing's own cost is reported beside it. At saturation the throughput of one stack moves by 20–30% between two runs here, too much to show 10%

## Targets (issue 13, so far)

- \`noisy_neighbour\`: B's p99 while A floods at ten times B's rate, past its budget, ≤ 2× B's p99 alone; A receives 429s; 0 errors for B
- \`noisy_jobs\`: B's small import (median) while A imports 10,000 items ≤ 2× alone

## Targets (issue 9)

- \`import\` ≥ 5× \`raw\`: rows/s of a 10,000-item import against single-row transactions/s
- \`import_creates_busy\` p99 ≤ 2× \`import_creates_idle\` p99, with 0 errors in both

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

${machine.cpus} × ${machine.model}, Node ${machine.node}, PostgreSQL ${machine.postgres}, load average ${machine.loadavg.join(' / ')} (1 / 5 / 15 min) at the end.${note ? ` ${note}` : ''}

${header}
${table}

${targets}
`,
  );
}
