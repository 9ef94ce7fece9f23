import type { DestinationStream } from 'pino';
import { escapeStack } from './escape-stack';
import { printable } from './printable';

type Line = Record<string, unknown>;

/**
 * pino-pretty prints a line's message, context and error stacks as they are, so a newline in
 * them would start a line the app never wrote: they are escaped first (the rest it prints as JSON,
 * which escapes control characters itself).
 */
function escaped(line: Line): Line {
  for (const key of ['msg', 'context']) {
    if (typeof line[key] === 'string') line[key] = printable(line[key]);
  }
  for (const key of ['err', 'error']) {
    const err = line[key] as { stack?: unknown } | undefined;
    if (err && typeof err === 'object' && typeof err.stack === 'string') err.stack = escapeStack(err.stack);
  }
  return line;
}

/** `[Context] message`, as Nest prints it. */
function message(line: Line, messageKey: string): string {
  const text = typeof line[messageKey] === 'string' ? line[messageKey] : '';
  return typeof line.context === 'string' ? `[${line.context}] ${text}` : text;
}

/**
 * Readable lines on stdout, through pino-pretty in this process (a transport's worker thread could
 * not take the escaping functions). pino-pretty is a development dependency: where it is not
 * installed (a production image) this is undefined, and the JSON lines are written instead.
 */
export async function prettyStream(): Promise<DestinationStream | undefined> {
  let pinoPretty: typeof import('pino-pretty');
  try {
    pinoPretty = (await import('pino-pretty')).default;
  } catch {
    return undefined;
  }
  const pretty = pinoPretty.prettyFactory({
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context',
    messageFormat: message,
  });
  return { write: (json: string) => void process.stdout.write(pretty(escaped(JSON.parse(json) as Line))) };
}
