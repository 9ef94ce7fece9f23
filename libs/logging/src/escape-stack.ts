import { printable } from './printable';

// A V8 stack frame line; anything else in a stack (the message's own lines) is not one.
const FRAME = /^ {4}at \S/;

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
