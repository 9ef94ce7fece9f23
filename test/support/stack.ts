import type { INestMicroservice } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Starts the real gateway and/or worker in this test process. The apps are imported lazily so a
 * test file can change process.env (timeouts, broker URL, queue prefix) before they read it.
 */
export interface Stack {
  baseUrl: string;
  gateway?: NestFastifyApplication;
  worker?: INestMicroservice;
  close(): Promise<void>;
}

export async function startWorker(): Promise<INestMicroservice> {
  const { createWorker } = await import('../../apps/worker/src/create-worker.js');
  const worker = await createWorker();
  await worker.listen();
  return worker;
}

export async function startGateway(): Promise<{ gateway: NestFastifyApplication; baseUrl: string }> {
  const { createGateway } = await import('../../apps/gateway/src/create-gateway.js');
  const gateway = await createGateway();
  await gateway.listen(0, '127.0.0.1');
  const address = gateway.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('gateway has no TCP address');
  return { gateway, baseUrl: `http://127.0.0.1:${address.port}` };
}

export async function startStack(parts: { worker?: boolean } = {}): Promise<Stack> {
  const worker = parts.worker === false ? undefined : await startWorker();
  const { gateway, baseUrl } = await startGateway();
  const stack: Stack = {
    baseUrl,
    gateway,
    worker,
    async close() {
      await this.gateway?.close();
      await this.worker?.close();
    },
  };
  return stack;
}
