import { setFlagsFromString } from 'node:v8';

/**
 * Keeps WebAssembly on V8's baseline compiler (Liftoff). What this is for is Prisma's query
 * compiler, a WebAssembly module that runs only when a query's plan is not in Prisma's cache yet
 * (22 of 8,140 CPU samples of the worker under load). V8 compiles each function with Liftoff when
 * first called and recompiles the hot ones with TurboFan in the background; for this module that
 * took about 35 MB of malloc, which glibc keeps in the process afterwards. One query on a bare
 * client left RSS at 137 MB, against 90 MB with this, and the worker at 64 connections peaked
 * 35–60 MB lower (docs/benchmarks.md, "Prisma's query compiler, and the worker's memory").
 *
 * A tiering budget no function reaches, rather than `--liftoff-only`: that one is a testing flag,
 * and turns a function Liftoff cannot compile (allowed on ppc64le and s390x) into a crash, where
 * this leaves it to TurboFan as usual. Must run before the client compiles the module, at its
 * first query. By hand, because neither Prisma nor Node has an option for one module, and a flag
 * on the command line would be lost by whoever starts the worker another way. The flag is
 * process-wide: any WebAssembly the process compiles later stays on Liftoff too.
 */
export function keepWasmOnBaseline(): void {
  setFlagsFromString(`--wasm-tiering-budget=${2 ** 31 - 1}`);
}
