/** Every queue this system declares, named from QUEUE_PREFIX so runs and instances never share one. */
export function queueNames(prefix: string) {
  return {
    projects: `${prefix}projects`,
    projectsDeadLetter: `${prefix}projects.dlq`,
  } as const;
}
export type QueueNames = ReturnType<typeof queueNames>;
