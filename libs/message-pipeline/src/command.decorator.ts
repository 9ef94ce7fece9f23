import { applyDecorators, SetMetadata, Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';

export const COMMAND_PAYLOAD = 'tenantry:command-payload';
export const COMMAND_READS_ONLY = 'tenantry:command-reads-only';
export const COMMAND_JOB = 'tenantry:command-job';

export interface CommandOptions {
  /**
   * The handler changes nothing, so a repeat may simply run again: it skips the inbox and its
   * write. Only for handlers that really only read.
   */
  readsOnly?: boolean;
  /**
   * A background job's batch, published by a worker (libs/jobs): it may wait in the jobs queue for
   * hours, so it is held to the job age limit instead of a command's, and when it is dead-lettered
   * its job is marked failed. Its payload carries `jobId`.
   */
  job?: boolean;
}

/**
 * Marks a message handler for `pattern` whose payload must be a valid `payload` instance. The
 * pipeline validates it before it opens the transaction, and refuses a handler without one: a
 * plain `@MessagePattern` would let an unchecked payload reach the database.
 */
export function Command(
  pattern: string,
  payload: Type<object>,
  options: CommandOptions = {},
): MethodDecorator {
  return applyDecorators(
    MessagePattern(pattern),
    SetMetadata(COMMAND_PAYLOAD, payload),
    SetMetadata(COMMAND_READS_ONLY, options.readsOnly === true),
    SetMetadata(COMMAND_JOB, options.job === true),
  );
}
