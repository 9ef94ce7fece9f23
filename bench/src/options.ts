import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Seconds measured per scenario (after a short warm-up). */
  duration: number;
  /** Concurrent loops / HTTP connections; full_create also always runs at 32. */
  connections: number;
  tenants: number;
  repeat: number;
  quick: boolean;
  /** Write a CPU profile of the gateway and the worker (bench/profiles/) and summarise it. */
  cpuProf: boolean;
  /** Run only these scenarios (comma-separated names), for investigating one of them. */
  only?: string[];
}

const USAGE = `Usage: npm run bench -- [--quick] [--duration <s>] [--connections <n>] [--tenants <n>] [--repeat <n>] [--cpu-prof] [--only raw,worker,...]`;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer\n${USAGE}`);
  return n;
}

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      connections: { type: 'string' },
      tenants: { type: 'string' },
      repeat: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      only: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick;
  return {
    // --quick keeps the whole run to about a minute: about 3 s per scenario, one repetition.
    duration: positiveInt('duration', values.duration, quick ? 3 : 10),
    connections: positiveInt('connections', values.connections, 64),
    tenants: positiveInt('tenants', values.tenants, 20),
    repeat: quick ? 1 : positiveInt('repeat', values.repeat, 1),
    quick,
    cpuProf: values['cpu-prof'],
    only: values.only?.split(',').map((s) => s.trim()),
  };
}
