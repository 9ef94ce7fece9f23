/**
 * Every queue this system declares, named from QUEUE_PREFIX so runs and instances never share one.
 * One command queue serves every resource: a message's pattern, not its queue, picks the handler.
 */
export function queueNames(prefix: string) {
  return {
    commands: `${prefix}commands`,
    deadLetter: `${prefix}commands.dlq`,
  } as const;
}
export type QueueNames = ReturnType<typeof queueNames>;
