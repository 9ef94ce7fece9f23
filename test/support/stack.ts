import type { INestApplicationContext, INestMicroservice } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { deleteQueues } from '@app/messaging';
import { closePools } from './database';

// The one place the tests reach into apps/. The apps are imported lazily so a test file can change
// process.env (timeouts, broker URL, queue prefix, and after jest.resetModules()) before they read it.

/** The real gateway and/or worker, running in this test process. */
export interface Stack {
  baseUrl: string;
  gateway?: NestFastifyApplication;
  worker?: INestMicroservice;
}

export async function startWorker(): Promise<INestMicroservice> {
  const { createWorker } = await import('../../apps/worker/src/create-worker.js');
  const worker = await createWorker();
  await worker.listen();
  return worker;
}

const LISTEN_BACKLOG = 2048;

export async function startGateway(): Promise<{ gateway: NestFastifyApplication; baseUrl: string }> {
  const { createGateway } = await import('../../apps/gateway/src/create-gateway.js');
  const gateway = await createGateway();
  // A backlog above Node's 511: a test that opens a thousand sockets at once while the same process
  // runs the worker would otherwise have connections reset by the kernel, not refused by the gateway.
  await gateway.listen({ port: 0, host: '127.0.0.1', backlog: LISTEN_BACKLOG });
  const address = gateway.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('gateway has no TCP address');
  return { gateway, baseUrl: `http://127.0.0.1:${address.port}` };
}

/**
 * Starts the worker (unless parts.worker is false) and the gateway in beforeAll, and closes them and
 * this file's database pools in afterAll. The fields are filled in beforeAll; a test that stops the
 * worker itself clears `worker`.
 */
export function useStack(parts: { worker?: boolean } = {}): Stack {
  const prefix = ownQueuePrefix();
  const stack: Stack = { baseUrl: '' };
  beforeAll(async () => {
    if (parts.worker !== false) stack.worker = await startWorker();
    Object.assign(stack, await startGateway());
  });
  afterAll(async () => {
    try {
      await stack.gateway?.close();
      await stack.worker?.close();
    } finally {
      await closePools();
      await deleteQueues(process.env.AMQP_URL ?? '', prefix);
    }
  });
  return stack;
}

/**
 * Gives this test file queues of its own (process.env is per file under jest): a worker that a
 * failed or timed-out file leaves running can then never take another file's messages.
 */
export function ownQueuePrefix(label = randomBytes(3).toString('hex')): string {
  const prefix = `${process.env.QUEUE_PREFIX ?? ''}${label}.`;
  process.env.QUEUE_PREFIX = prefix;
  return prefix;
}

/** The worker's providers, initialised but not listening: for calling them directly. */
export async function workerContext(): Promise<INestApplicationContext> {
  const { Test } = await import('@nestjs/testing');
  const { WorkerModule } = await import('../../apps/worker/src/worker.module.js');
  const moduleRef = await Test.createTestingModule({ imports: [WorkerModule] }).compile();
  return moduleRef.init();
}

/** The base URL of a worker's own HTTP listener (/metrics, /health/*). */
export async function workerHttpUrl(worker: INestApplicationContext): Promise<string> {
  const { WorkerHttpListener } = await import('../../apps/worker/src/worker-http.listener.js');
  const { port } = worker.get(WorkerHttpListener);
  if (port === undefined) throw new Error('the worker does not listen for HTTP yet');
  return `http://127.0.0.1:${port}`;
}

/** A worker's readiness, asked directly (for a worker context, which has no transport). */
export async function workerReadiness(
  worker: INestApplicationContext,
): Promise<{ status: number; body: unknown }> {
  const { WorkerHealth } = await import('../../apps/worker/src/worker.health.js');
  return worker.get(WorkerHealth).ready();
}

/** The port of the gateway's own /metrics listener (METRICS_PORT set). */
export async function gatewayMetricsPort(gateway: INestApplicationContext): Promise<number> {
  const { MetricsListener } = await import('../../apps/gateway/src/metrics.listener.js');
  const { port } = gateway.get(MetricsListener);
  if (port === undefined) throw new Error('the gateway serves /metrics on its public port');
  return port;
}
