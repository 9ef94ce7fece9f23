import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { RmqContext, RpcException } from '@nestjs/microservices';
import type { Channel, ConsumeMessage } from 'amqplib';
import { ClsService } from 'nestjs-cls';
import { from, lastValueFrom, Observable } from 'rxjs';
import { TenantTransaction } from '@app/database';
import { DomainError, ErrorCode } from '@app/errors';
import {
  assertNotExpired,
  Delivery,
  MessageAuthenticator,
  MessagePacket,
  readIdentity,
  RejectedMessageError,
  RpcErrorBody,
} from '@app/messaging';
import { TenantContextService } from '@app/tenancy';
import { DEAD_LETTER_QUEUE } from './worker.tokens';

/**
 * Wraps every message handler: checks the gateway's signature, restores the tenant from the
 * headers (never the payload), runs the handler in one tenant transaction, and settles the message exactly once — acked after commit or
 * after a domain error is replied, dead-lettered otherwise. Nothing is left to loop on restart.
 */
@Injectable()
export class MessageContextInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Messages');

  constructor(
    private readonly cls: ClsService,
    private readonly tenantContext: TenantContextService,
    private readonly tenantTransaction: TenantTransaction,
    private readonly authenticator: MessageAuthenticator,
    @Inject(DEAD_LETTER_QUEUE) private readonly deadLetterQueue: string,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rmq = context.switchToRpc().getContext<RmqContext>();
    const delivery = new Delivery(
      rmq.getChannelRef() as Channel,
      rmq.getMessage() as ConsumeMessage,
      this.deadLetterQueue,
    );
    // The signature is checked over exactly what the handler receives, as Nest already parsed it.
    const packet = { pattern: rmq.getPattern(), data: context.switchToRpc().getData<unknown>() };
    return from(this.cls.run(() => this.handle(packet, delivery, next)));
  }

  private async handle(packet: MessagePacket, delivery: Delivery, next: CallHandler): Promise<unknown> {
    let result: unknown;
    try {
      // All before BEGIN: a message that is not the gateway's, fresh and first never reaches the DB.
      const identity = readIdentity(delivery.message);
      this.authenticator.authenticate(delivery.message, identity, packet);
      assertNotExpired(delivery.message);
      this.tenantContext.set(identity);
      result = await this.tenantTransaction.run(() =>
        lastValueFrom<unknown, null>(next.handle(), { defaultValue: null }),
      );
    } catch (err) {
      throw new RpcException(this.settleFailure(packet.pattern, delivery, err));
    }
    // Outside the try: the work is committed, so a failing ack must not be reported as a failure.
    delivery.ack();
    return result;
  }

  private settleFailure(pattern: string, delivery: Delivery, err: unknown): RpcErrorBody {
    if (err instanceof DomainError) {
      // An answer, not a fault: the transaction rolled back and the caller gets the error.
      delivery.ack();
      return { code: err.code, message: err.message };
    }
    const correlationId = this.tenantContext.get()?.correlationId ?? '';
    if (err instanceof RejectedMessageError) {
      delivery.deadLetter(err.message);
      this.logger.warn(`${pattern} dead-lettered: ${err.message} (correlation ${correlationId || 'none'})`);
      return { code: ErrorCode.InvalidInput, message: err.message };
    }
    delivery.deadLetter(`unexpected error: ${err instanceof Error ? err.name : typeof err}`);
    this.logger.error(
      `${pattern} dead-lettered after an unexpected error (correlation ${correlationId || 'none'})`,
      err instanceof Error ? err.stack : String(err),
    );
    return { code: ErrorCode.Internal, message: 'The projects service failed to handle the request' };
  }
}
