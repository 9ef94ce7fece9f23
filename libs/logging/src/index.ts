export { isPrintable, printable } from './printable';
export { EscapingConsoleLogger, escapeStack } from './escaping-console.logger';
