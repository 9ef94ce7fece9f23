import { setFlagsFromString } from 'node:v8';

/**
 * Keeps WebAssembly on V8's baseline compiler (Liftoff). What this is for is Prisma's query
 * compiler: a 4.5 MB module that runs only when a query's plan is not in Prisma's cache yet (22 of
 * 8,140 CPU samples of the worker under load). By default V8 also compiles it with TurboFan in the
 * background after the first query; that compilation peaks near 50 MB of malloc, which glibc keeps
 * in the process afterwards. One query on a bare client left RSS at 137 MB, against 90 MB with
 * this; the worker at 64 connections peaked 50–60 MB higher (docs/benchmarks.md, "Prisma's query
 * compiler, and the worker's memory").
 *
 * Must run before the client compiles the module, at its first query. By hand, because neither
 * Prisma nor Node has an option for one module, and a flag on the command line would be lost by
 * whoever starts the worker another way. The flag is process-wide, so any WebAssembly the process
 * compiles later stays on Liftoff too.
 */
export function keepWasmOnBaseline(): void {
  setFlagsFromString('--liftoff-only');
}
