// npm run dlq -- <list|replay|purge> [--id ID] [--reason TEXT] [--tenant UUID] [--all] [--limit N]
// [--json]: the dead-letter queue for an operator; `npm run dlq -- --help` says what each does.
import { dlqEnvSchema, InvalidConfigError, parseEnv } from '@app/config';
import { DeadLetterQueueError } from '../dead-letter-queue';
import { UsageError } from '../dlq-arguments';
import { runDlq } from '../run-dlq';

async function main(): Promise<number> {
  const env = parseEnv(dlqEnvSchema, process.env);
  return runDlq(process.argv.slice(2), env, (line) => console.log(line));
}

// Errors an operator can act on get their message only; anything else keeps its stack.
function explain(error: unknown): string {
  if (
    error instanceof UsageError ||
    error instanceof DeadLetterQueueError ||
    error instanceof InvalidConfigError
  )
    return error.message;
  // Connection failures (ECONNREFUSED, ENOTFOUND, …) carry a code; a refused `localhost` may have no message.
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error && typeof code === 'string')
    return `${error.message || code} (is RabbitMQ running and AMQP_URL right?)`;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(explain(error));
    process.exitCode = 1;
  },
);
