import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { EmptyError, firstValueFrom, Subscription, timeout, TimeoutError } from 'rxjs';
import { UnavailableError } from '@app/errors';
import { noteRequest } from '@app/logging';
import { isRpcErrorBody, MessageHeader, toDomainError } from '@app/messaging';
import { ClsService } from 'nestjs-cls';
import { TenantContextService } from '@app/tenancy';
import { IDEMPOTENCY_KEY, messageIdFor } from './idempotency-key';
import { COMMAND_CLIENT_OPTIONS, CommandClientOptions } from './command-client.options';
import { CommandRecord } from './command-transport';

/** The RMQ ClientProxy the commands go through; exported for the gateway's broker health check. */
export const COMMAND_TRANSPORT = Symbol('COMMAND_TRANSPORT');

// What a caller is told to wait before trying again.
const BROKER_RETRY_AFTER_S = 5;
const BUSY_RETRY_AFTER_S = 1;

/**
 * Sends a command to the workers and waits for the answer. The tenant goes into signed headers,
 * from CLS only; a resource's HTTP controller calls `send(pattern, payload)`, or `startJob` for a
 * command that starts a background job, and nothing else.
 * A fault of the broker or the workers is a 503 with a delay to retry after, never a 500.
 */
@Injectable()
export class CommandClient implements OnModuleDestroy {
  private inFlight = 0;
  private brokerDown = false;
  private readonly statusSubscription: Subscription;

  constructor(
    @Inject(COMMAND_TRANSPORT) private readonly transport: ClientProxy,
    @Inject(COMMAND_CLIENT_OPTIONS) private readonly options: CommandClientOptions,
    private readonly tenantContext: TenantContextService,
    private readonly cls: ClsService,
  ) {
    // RmqStatus is a const enum, which per-file compilers (swc) cannot inline: compare strings.
    this.statusSubscription = transport.status.subscribe((status: string) => {
      this.brokerDown = status === 'disconnected' || status === 'blocked';
    });
  }

  onModuleDestroy(): void {
    this.statusSubscription.unsubscribe();
  }

  /** Commands sent and still waiting for their answer (bounded by RPC_MAX_IN_FLIGHT). */
  get waiting(): number {
    return this.inFlight;
  }

  async send<T>(pattern: string, data: object): Promise<T> {
    return this.request<T>(pattern, this.record(data, false));
  }

  /**
   * Sends a command that starts a background job (its items in hand) to the workers that run jobs,
   * on a queue of its own: splitting thousands of items into batches would otherwise hold up the
   * interactive commands of every other tenant on the command workers.
   */
  async startJob<T>(pattern: string, data: object): Promise<T> {
    return this.request<T>(pattern, this.record(data, true));
  }

  private async request<T>(pattern: string, record: CommandRecord): Promise<T> {
    noteRequest({ pattern });
    // Fail at once rather than queue behind a broker that is down or has blocked publishers
    // (a memory or disk alarm), or behind more waiting callers than the bound.
    if (this.brokerDown) throw this.brokerUnavailable();
    if (this.inFlight >= this.options.maxInFlight) {
      throw new UnavailableError('Too many requests are waiting for the workers', BUSY_RETRY_AFTER_S);
    }
    this.inFlight += 1;
    try {
      return await firstValueFrom(
        this.transport.send<T>(pattern, record).pipe(timeout(this.options.timeoutMs)),
      );
    } catch (err) {
      throw this.failure(err);
    } finally {
      this.inFlight -= 1;
    }
  }

  private failure(err: unknown): Error {
    if (err instanceof TimeoutError) {
      return new UnavailableError(
        `The worker did not answer within ${this.options.timeoutMs} ms; the request may or may not have been applied`,
      );
    }
    // The worker completed without an answer: a handler of ours returned nothing (a bug).
    if (err instanceof EmptyError) return toDomainError(undefined);
    // A worker's answer, signed (CommandTransport drops any other). Nest's own refusal of a pattern
    // the worker has no handler for (version skew) comes unsigned, so it is dropped too: the caller
    // gets 503 at its deadline, and the worker dead-letters the message.
    if (isRpcErrorBody(err)) return toDomainError(err);
    // Anything else is the transport failing (connection lost, channel closed, publish not
    // confirmed) before a worker saw the message.
    return this.brokerUnavailable();
  }

  private brokerUnavailable(): UnavailableError {
    return new UnavailableError('The message broker is unavailable', BROKER_RETRY_AFTER_S);
  }

  /** The command, signed by the transport as it publishes, over the headers set here (CommandTransport). */
  private record(data: object, startsJob: boolean): CommandRecord {
    const { tenantId, userId, correlationId } = this.tenantContext.require();
    const now = Date.now();
    // Under an Idempotency-Key the id is the key's, so the worker's inbox answers a retry with the
    // first attempt's reply; otherwise every command is new.
    const key = this.cls.isActive() ? this.cls.get<string | undefined>(IDEMPOTENCY_KEY) : undefined;
    const messageId = key === undefined ? randomUUID() : messageIdFor(tenantId, key);
    const deadline = String(now + this.options.timeoutMs);
    return new CommandRecord(
      data,
      {
        headers: {
          [MessageHeader.TenantId]: tenantId,
          [MessageHeader.UserId]: userId,
          [MessageHeader.CorrelationId]: correlationId,
          [MessageHeader.Deadline]: deadline,
          [MessageHeader.SignedAt]: String(now),
        },
        // A message nobody picked up before the caller gave up expires (to the dead-letter queue).
        expiration: this.options.timeoutMs,
        messageId,
        timestamp: Math.floor(now / 1000),
        contentType: 'application/json',
      },
      { tenantId, messageId },
      startsJob,
    );
  }
}
