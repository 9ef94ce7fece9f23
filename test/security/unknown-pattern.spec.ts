// Threat: a message whose pattern no handler serves, on the jobs queue. Nest rejected it on the
// command queue's channel, where its delivery tag means nothing: the broker closed that channel, the
// worker reconnected, the message came again, and so on for good. It must be dead-lettered like any
// unknown pattern, and the worker keep serving. Signed (a gateway newer than the worker sends one):
// an unsigned one is dead-lettered unread, before anything reads its pattern.
import { randomUUID } from 'node:crypto';
import { ProjectPattern } from '@app/projects';
import { useBroker, whyDeadLettered } from '../support/broker';
import { createTenant, projectsOf } from '../support/database';
import { signLikeGateway } from '../support/signing';
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
        const { content, headers, messageId } = signLikeGateway(
          'projects.drop-everything.v1',
          { marker },
          { tenantId, id: randomUUID(), replyTo: 'nobody-listens-here' },
        );

        broker.channel.sendToQueue(broker.queues[queue], content, {
          headers,
          messageId,
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
