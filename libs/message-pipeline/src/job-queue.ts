import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { connect } from 'amqp-connection-manager';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import { TransientError } from '@app/errors';
import { AMQP_SOCKET_OPTIONS, jobQueueFor, MessageHeader } from '@app/messaging';
import { MessageSigner, signingKey } from '@app/signing';
import { TenantContextService } from '@app/tenancy';
import { traceHeaders } from '@app/tracing';
import { MESSAGE_PIPELINE_OPTIONS, MessagePipelineOptions } from './message-pipeline.options';

// How long a publish may wait for the broker's confirm before the message it belongs to is retried.
const CONFIRM_TIMEOUT_MS = 5_000;

export interface JobMessage {
  pattern: string;
  data: object;
  /** Deterministic per job and batch, so that the inbox applies each batch once, whoever publishes it. */
  messageId: string;
}

/**
 * Publishes a job's batches to the jobs queue, signed like the gateway's commands, under the tenant
 * and user in context, and resolves once the broker has confirmed them (persisted). Called inside
 * the tenant transaction that records the job, before it commits: a batch can then arrive before its
 * job is visible (its handler retries until it is), but a committed job never lacks its batches.
 */
@Injectable()
export class JobQueue implements OnApplicationShutdown {
  private connection?: AmqpConnectionManager;
  private channel?: ChannelWrapper;
  private readonly signer: MessageSigner;

  constructor(
    @Inject(MESSAGE_PIPELINE_OPTIONS) private readonly options: MessagePipelineOptions,
    private readonly tenantContext: TenantContextService,
  ) {
    this.signer = new MessageSigner(signingKey(options.signingSecrets[0]));
  }

  /** Items a job commits per transaction. */
  get batchSize(): number {
    return this.options.jobBatchSize;
  }

  async publish(messages: JobMessage[]): Promise<void> {
    const { tenantId, userId, correlationId } = this.tenantContext.require();
    const channel = this.open();
    // All of a tenant's batches on its own jobs queue: other tenants' jobs are not queued behind them.
    const queue = jobQueueFor(this.options.queuePrefix, this.options.jobShards, tenantId);
    // The batches are handled in the trace of the command that started the job (its traceparent signed).
    const trace = traceHeaders();
    try {
      await Promise.all(
        messages.map(({ pattern, data, messageId }) => {
          const body = Buffer.from(JSON.stringify({ pattern, data, id: messageId }));
          // No deadline, no reply: nobody waits for a batch; the job age limit bounds it instead.
          // Signed over these very bytes and headers.
          const options = this.signer.signed(body, {
            persistent: true,
            messageId,
            contentType: 'application/json',
            headers: {
              [MessageHeader.TenantId]: tenantId,
              [MessageHeader.UserId]: userId,
              [MessageHeader.CorrelationId]: correlationId,
              ...trace,
              [MessageHeader.SignedAt]: String(Date.now()),
            },
          });
          return channel.sendToQueue(queue, body, { ...options, timeout: CONFIRM_TIMEOUT_MS });
        }),
      );
    } catch (err) {
      throw new TransientError(
        `the broker did not take a job's batches: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.channel?.close().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
  }

  private open(): ChannelWrapper {
    if (!this.channel) {
      this.connection = connect([this.options.amqpUrl], { connectionOptions: AMQP_SOCKET_OPTIONS });
      this.channel = this.connection.createChannel({ json: false, confirm: true });
    }
    return this.channel;
  }
}
