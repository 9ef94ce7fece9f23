import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy, RmqRecordBuilder } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import { DomainError, ErrorCode } from '@app/errors';
import { isRpcErrorBody, MessageHeader, toDomainError } from '@app/messaging';
import { MessageSigner } from '@app/signing';
import { TenantContextService } from '@app/tenancy';
import { COMMAND_CLIENT_OPTIONS, CommandClientOptions } from './command-client.options';

/** The RMQ ClientProxy the commands go through; exported for the gateway's broker health check. */
export const COMMAND_TRANSPORT = Symbol('COMMAND_TRANSPORT');

/**
 * Sends a command to the workers and waits for the answer. The tenant goes into signed headers,
 * from CLS only; a resource's HTTP controller calls `send(pattern, payload)` and nothing else.
 */
@Injectable()
export class CommandClient {
  private readonly timeoutMs: number;

  constructor(
    @Inject(COMMAND_TRANSPORT) private readonly transport: ClientProxy,
    @Inject(COMMAND_CLIENT_OPTIONS) options: CommandClientOptions,
    private readonly tenantContext: TenantContextService,
    private readonly signer: MessageSigner,
  ) {
    this.timeoutMs = options.timeoutMs;
  }

  async send<T>(pattern: string, data: object): Promise<T> {
    const record = this.record(pattern, data);
    try {
      return await firstValueFrom(this.transport.send<T>(pattern, record).pipe(timeout(this.timeoutMs)));
    } catch (err) {
      if (err instanceof TimeoutError) {
        throw new DomainError(
          ErrorCode.Unavailable,
          `The worker did not answer within ${this.timeoutMs} ms; the request may or may not have been applied`,
        );
      }
      // Replies from a worker are an error body or (from Nest itself) a string; anything else is the
      // transport failing (broker down, channel closed) before a worker saw the message.
      if (!isRpcErrorBody(err) && typeof err !== 'string') {
        throw new DomainError(ErrorCode.Unavailable, 'The message broker is unavailable');
      }
      throw toDomainError(err);
    }
  }

  private record(pattern: string, data: object) {
    const { tenantId, userId, correlationId } = this.tenantContext.require();
    const now = Date.now();
    const messageId = randomUUID();
    const deadline = String(now + this.timeoutMs);
    const signature = this.signer.sign({
      tenantId,
      userId,
      messageId,
      pattern,
      signedAt: now,
      deadline,
      data,
    });
    return new RmqRecordBuilder(data)
      .setOptions({
        headers: {
          [MessageHeader.TenantId]: tenantId,
          [MessageHeader.UserId]: userId,
          [MessageHeader.CorrelationId]: correlationId,
          [MessageHeader.Deadline]: deadline,
          [MessageHeader.SignedAt]: String(now),
          [MessageHeader.Signature]: signature,
        },
        // A message nobody picked up before the caller gave up expires (to the dead-letter queue).
        expiration: this.timeoutMs,
        messageId,
        timestamp: Math.floor(now / 1000),
        contentType: 'application/json',
      })
      .build();
  }
}
