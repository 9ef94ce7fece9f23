// Threat: someone who can publish to the broker sends, unsigned, a message whose pattern no handler
// serves, to the jobs queue. Nest rejected it on the command queue's channel, where its delivery tag
// means nothing: the broker closed that channel, the worker reconnected, the message came again, and
// so on for good. It must be dead-lettered like any unknown pattern, and the worker keep serving.
import { randomUUID } from 'node:crypto';
import { ProjectPattern } from '@app/projects';
import { useBroker, whyDeadLettered } from '../support/broker';
import { createTenant, projectsOf } from '../support/database';
import { useStack } from '../support/stack';
import { useWorkerProcesses } from '../support/worker-process';

describe('A message with an unknown pattern', () => {
  const workers = useWorkerProcesses();
  useStack({ worker: false });
  const broker = useBroker();

  it.each(['jobs', 'commands'] as const)(
    'should be dead-lettered from the %s queue without the worker losing a channel',
    (queue) =>
      workers.withLogs(async () => {
        const tenantId = await createTenant();
        const worker = await workers.start(queue);
        const marker = randomUUID();
        const body = { pattern: 'projects.drop-everything.v1', data: { marker }, id: randomUUID() };

        broker.channel.sendToQueue(broker.queues[queue], Buffer.from(JSON.stringify(body)), {
          replyTo: 'nobody-listens-here',
        });

        expect(whyDeadLettered(await broker.takeDeadLetter(marker))).toBe('rejected');
        const name = `after-${randomUUID()}`;
        await broker.requestSigned(ProjectPattern.Create, { name }, { tenantId });
        expect((await projectsOf(tenantId)).map((p) => p.name)).toEqual([name]);
        expect(worker.timesLogged('channel error')).toBe(0);
        expect(worker.timesLogged('reconnecting')).toBe(0);
      })(),
  );
});
