import { Inject, Injectable, Logger } from '@nestjs/common';
import { databaseErrorCodes, isDatabaseUnreachable, isTransientDatabaseError } from '@app/database';
import { DomainError, ErrorCode, TransientError } from '@app/errors';
import {
  MessageHeader,
  RefusedForNowError,
  RejectedMessageError,
  retryLadderOf,
  retryQueueName,
  RpcErrorBody,
} from '@app/messaging';
import { MessageAuthenticator } from '@app/signing';
import { TenantContextService } from '@app/tenancy';
import { DatabaseWatch } from './database-watch';
import { Delivery } from './delivery';
import { assertNotExpired } from './message-identity';
import { MESSAGE_PIPELINE_OPTIONS, MessagePipelineOptions } from './message-pipeline.options';

/**
 * What becomes of a message whose work failed: retried later, answered and acked, or
 * dead-lettered, each with the reply the caller gets.
 */
@Injectable()
export class FailurePolicy {
  private readonly logger = new Logger('Messages');

  constructor(
    private readonly tenantContext: TenantContextService,
    private readonly authenticator: MessageAuthenticator,
    private readonly databaseWatch: DatabaseWatch,
    @Inject(MESSAGE_PIPELINE_OPTIONS) private readonly options: MessagePipelineOptions,
  ) {}

  /**
   * A transient database failure (the transaction rolled back) is tried again later through the
   * retry ladder, with exponential backoff and jitter, until the attempts run out. A retry that
   * would come back after the deadline is not parked: the DeadlinePassedError it throws is settled
   * as expired.
   */
  retryLater(delivery: Delivery, err: unknown): boolean {
    const { attempt } = delivery;
    if (!isTransient(err)) return false;
    if (isDatabaseUnreachable(err)) this.databaseWatch.unreachable(firstLine(err));
    if (attempt >= this.options.retryAttempts) return false;
    const backoff = this.options.retryBaseDelayMs * 2 ** (attempt - 1);
    const delayMs = Math.round(backoff * (0.5 + Math.random() / 2));
    // A retry that would come back after the caller's deadline could only be refused then: settle
    // it now as expired, and the caller still waiting gets its 503 at once.
    assertNotExpired(delivery.message, Date.now(), delayMs);
    // The copy carries the same signature: it is a retry, not a replay.
    this.authenticator.forget(delivery.message);
    delivery.retryLater(retryQueueName(this.sourceQueue(delivery), attempt), delayMs);
    this.logger.warn(`Retrying in ${delayMs} ms (attempt ${attempt + 1}): ${errorName(err)}`);
    return true;
  }

  /**
   * The ladder of the queue the message came from: its routing key is that queue's name, whether
   * the publisher or a retry rung put it there (the jobs queues share one ladder).
   */
  private sourceQueue(delivery: Delivery): string {
    return retryLadderOf(this.options.queuePrefix, delivery.message.fields.routingKey);
  }

  settle(pattern: string, delivery: Delivery, err: unknown): RpcErrorBody {
    if (err instanceof DomainError) {
      // An answer, not a fault: the transaction rolled back and the caller gets the error.
      delivery.ack('domain error');
      return { code: err.code, message: err.message };
    }
    const correlationId = this.tenantContext.get()?.correlationId ?? '';
    if (err instanceof RejectedMessageError) {
      delivery.deadLetter(err.message);
      this.logger.warn(`${pattern} dead-lettered: ${err.message} (correlation ${correlationId || 'none'})`);
      // Too late, or clocks apart, is not the sender's fault: a caller still waiting gets a 503 to
      // retry, not a 400.
      if (err instanceof RefusedForNowError) return { code: ErrorCode.Unavailable, message: err.answer };
      return { code: ErrorCode.InvalidInput, message: err.message };
    }
    if (isTransient(err)) {
      delivery.deadLetter(`transient error: ${errorName(err)}`, {
        [MessageHeader.Attempt]: delivery.attempt,
      });
      this.logger.warn(`${pattern} dead-lettered after ${delivery.attempt} attempts: ${errorName(err)}`);
      return {
        code: ErrorCode.Unavailable,
        message: 'A dependency of the worker is unavailable; try again later',
      };
    }
    delivery.deadLetter(`unexpected error: ${errorName(err)}`);
    this.logger.error(
      `${pattern} dead-lettered after an unexpected error (correlation ${correlationId || 'none'})`,
      err instanceof Error ? err.stack : String(err),
    );
    return { code: ErrorCode.Internal, message: 'The worker failed to handle the request' };
  }
}

function isTransient(err: unknown): boolean {
  return err instanceof TransientError || isTransientDatabaseError(err);
}

/** The error's class and, for a database error, its codes: a lock timeout (55P03) is not a lost connection. */
function errorName(err: unknown): string {
  const name = err instanceof Error ? err.name : typeof err;
  const codes = databaseErrorCodes(err);
  return codes.length > 0 ? `${name} (${codes.join(', ')})` : name;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).trim().split('\n')[0].slice(0, 200);
}
