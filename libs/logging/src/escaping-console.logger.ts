import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { printable } from './printable';

// A V8 stack frame line; anything else in a stack (the message's own lines) is not one.
const FRAME = /^ {4}at \S/;

/**
 * Nest's console logger, with every string message escaped (see printable): one call is one line,
 * whatever a header, claim or queue message put into it. Done here rather than at each call site so
 * that Nest's own messages (an unknown pattern, an unhandled error) are covered too. Messages that
 * are not strings go through util.inspect, which already escapes control characters.
 */
export class EscapingConsoleLogger extends ConsoleLogger {
  protected override stringifyMessage(message: unknown, logLevel: LogLevel): string {
    const resolved = this.resolveMessage(message);
    if (typeof resolved !== 'string') return super.stringifyMessage(resolved, logLevel);
    return this.colorize(printable(resolved), logLevel);
  }

  protected override printStackTrace(stack: string): void {
    super.printStackTrace(stack && escapeStack(stack));
  }
}

/**
 * A stack keeps one line per frame; any other line (an error message may hold newlines) is joined
 * to the line before it with a visible `\n`, so it cannot pass for a log line of its own.
 */
export function escapeStack(stack: string): string {
  const lines: string[] = [];
  for (const line of stack.split('\n')) {
    if (lines.length === 0 || FRAME.test(line)) lines.push(printable(line));
    else lines[lines.length - 1] += `\\n${printable(line)}`;
  }
  return lines.join('\n');
}
