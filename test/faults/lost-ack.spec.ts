// Fault: the worker commits a command but its ack is lost (the worker goes away first), so RabbitMQ
// hands the message out again. The inbox must answer it from the recorded reply: one row, not two.
import type { ProjectView } from '@app/projects';
import type { TaskView } from '@app/tasks';
import { Delivery } from '../../libs/message-pipeline/src/delivery';
import { ExactlyOnce } from '../../libs/message-pipeline/src/exactly-once';
import { useBroker } from '../support/broker';
import { tasksOf } from '../support/database';
import { startWorker, useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';
import { waitFor } from '../support/wait-for';

describe('A command committed but not acked', () => {
  const stack = useStack();
  const broker = useBroker();

  it('should be applied once when it is delivered again', async () => {
    const tenant = await TenantSession.create(stack.baseUrl);
    const { body: project } = await tenant.request<ProjectView>('POST', '/projects', { name: 'p' });
    // A task, not a project: task titles may repeat, so applying it twice would show as two rows.
    // The first worker commits, replies, and "crashes" before its ack reaches the broker.
    const ack = jest.spyOn(Delivery.prototype, 'ack').mockImplementationOnce(() => undefined);
    const created = await tenant.request<TaskView>('POST', `/projects/${project.id}/tasks`, {
      title: 'once',
    });
    expect(created.status).toBe(201);
    expect(ack).toHaveBeenCalledTimes(1);

    // Closing the worker's channel returns the unacked message to the queue, flagged redelivered.
    const answered = jest.spyOn(ExactlyOnce.prototype, 'earlierAnswer');
    await stack.worker?.close();
    stack.worker = await startWorker();
    ack.mockRestore();

    // The second worker runs it again, finds its id in the inbox, rolls back, and answers from there.
    await waitFor(
      async () => (await answered.mock.results[0]?.value) !== undefined,
      10_000,
      'the inbox answer',
    );
    expect(await answered.mock.results[0].value).toMatchObject({ reply: created.body });
    answered.mockRestore();
    expect((await tasksOf(tenant.tenantId)).map((t) => t.id)).toEqual([created.body.id]);
    expect(await broker.messageCount(broker.queues.deadLetter)).toBe(0);
  });
});
