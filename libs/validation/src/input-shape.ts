import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * How deep objects and arrays may nest in a body, a query or a command's payload. The deepest
 * body we take, an import, nests 5 levels (`{items: [{tasks: [{…}]}]}`); class-transformer and
 * class-validator recurse once per level, and overflow the stack (a 500) somewhere past a few
 * thousand.
 */
export const MAX_INPUT_DEPTH = 20;

/**
 * Keys that class-transformer and Nest's ValidationPipe drop without a word instead of reporting
 * as unknown: every member of Object.prototype (`constructor`, `__proto__`, `toString`,
 * `hasOwnProperty`, …) and `prototype`. No contract has a field of these names.
 */
const RESERVED_KEYS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
]);

const MAX_PROBLEMS = 20;
// Containers looked at between two turns of the event loop: a 32 MB import holds about a million.
const NODES_PER_TURN = 20_000;

interface Container {
  value: object;
  depth: number;
  parent?: Container;
  key?: string;
}

/** Where a key sits, as Nest names nested errors: `items.3.tasks.0.`. */
function pathOf(container: Container): string {
  const keys: string[] = [];
  for (let at: Container | undefined = container; at?.key !== undefined; at = at.parent) keys.push(at.key);
  return keys.reverse().map((key) => `${key}.`).join('');
}

/**
 * What is wrong with the shape of parsed input, before any validator sees it: nesting deeper than
 * MAX_INPUT_DEPTH (`what` names the input in the message), or a reserved key at any depth
 * (`items.0.property constructor should not exist`, as Nest says it of any unknown key). Walks with
 * a stack of its own, so no input is too deep for it, and yields now and then on a large one.
 */
export async function inputShapeProblems(input: unknown, what: string): Promise<string[]> {
  const problems: string[] = [];
  if (typeof input !== 'object' || input === null) return problems;
  const stack: Container[] = [{ value: input, depth: 1 }];
  let visited = 0;
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const container = stack.pop()!;
    if (++visited % NODES_PER_TURN === 0) await nextTurn();
    // Own enumerable keys, as JSON.parse makes them (an own `__proto__` included); for an
    // array its indexes, so a sparse one costs only what it holds.
    for (const key of Object.keys(container.value)) {
      if (RESERVED_KEYS.has(key) && !Array.isArray(container.value)) {
        problems.push(`${pathOf(container)}property ${key} should not exist`);
        continue;
      }
      const child: unknown = (container.value as Record<string, unknown>)[key];
      if (typeof child !== 'object' || child === null) continue;
      if (container.depth >= MAX_INPUT_DEPTH) {
        return [`${what} must not nest objects or arrays more than ${MAX_INPUT_DEPTH} levels deep`];
      }
      stack.push({ value: child, depth: container.depth + 1, parent: container, key });
    }
  }
  return problems.slice(0, MAX_PROBLEMS);
}
