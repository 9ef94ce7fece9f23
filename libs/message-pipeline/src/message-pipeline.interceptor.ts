import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  Logger,
  NestInterceptor,
  Optional,
  Type,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RmqContext, RpcException } from '@nestjs/microservices';
import type { Channel, ConsumeMessage } from 'amqplib';
import { ClsService } from 'nestjs-cls';
import { from, lastValueFrom, mergeMap, NEVER, Observable, of } from 'rxjs';
import { TenantTransaction } from '@app/database';
import { DomainError } from '@app/errors';
import { RejectedMessageError } from '@app/messaging';
import { MessageAuthenticator, MessagePacket } from '@app/signing';
import { isUuid, TenantContextService } from '@app/tenancy';
import { ConsumeSpan } from '@app/tracing';
import { COMMAND_JOB, COMMAND_PAYLOAD, COMMAND_READS_ONLY } from './command.decorator';
import { CurrentMessage, JOB_FAILURES, JobFailures } from './current-message';
import { ExactlyOnce } from './exactly-once';
import { FailurePolicy } from './failure-policy';
import { inFlight } from './in-flight';
import { JobPacing } from './job-pacing';
import { Delivery } from './delivery';
import { HandledMessage, logHandled } from './message-line';
import { assertNotExpired, readIdentity } from './message-identity';
import {
  DEAD_LETTER_QUEUE,
  MESSAGE_PIPELINE_OPTIONS,
  MessagePipelineOptions,
} from './message-pipeline.options';
import { MessageMetrics } from './message.metrics';
import { validatePayload } from './payload-validation';
import { replySignatures } from './reply-signatures';

class UndeclaredPayloadError extends Error {
  constructor(pattern: string) {
    super(`the handler of ${pattern} declares no payload class`);
    this.name = 'UndeclaredPayloadError';
  }
}

// How long a dead-lettered batch waits for its job to become visible: past any start command's deadline.
const JOB_FAILURE_TRIES = 30;
const JOB_FAILURE_WAIT_MS = 500;

// Time kept back for COMMIT and the reply when the deadline is checked before committing.
const COMMIT_MARGIN_MS = 100;

// A retried message is answered by its next attempt: this one must send no reply at all.
const NO_REPLY = Symbol('no reply');

/** One message on its way through the pipeline. */
interface Inbound extends HandledMessage {
  packet: MessagePacket;
  delivery: Delivery;
  payloadType?: Type<object>;
  readsOnly: boolean;
  /** A job's batch: the job age limit, and its job marked failed if it is dead-lettered. */
  job: boolean;
  authenticated?: boolean;
  /** Its consumer span, in the gateway's trace once the signature has shown that trace to be the gateway's. */
  span: ConsumeSpan;
  /** The handler's arguments; Nest reads them only after the interceptor lets the handler run. */
  args: unknown[];
}

/**
 * Wraps every message handler. Before BEGIN: the gateway's signature, the tenant from the headers
 * (never the payload), the deadline and the payload's validity; then the handler in one tenant
 * transaction. Settles the message exactly once: acked after commit or after a domain error is
 * replied, dead-lettered otherwise. Nothing is left to loop on restart.
 */
@Injectable()
export class MessagePipeline implements NestInterceptor {
  private static readonly logger = new Logger('Jobs');

  constructor(
    private readonly cls: ClsService,
    private readonly reflector: Reflector,
    private readonly tenantContext: TenantContextService,
    private readonly tenantTransaction: TenantTransaction,
    private readonly exactlyOnce: ExactlyOnce,
    private readonly authenticator: MessageAuthenticator,
    private readonly failures: FailurePolicy,
    private readonly currentMessage: CurrentMessage,
    private readonly pacing: JobPacing,
    @Inject(DEAD_LETTER_QUEUE) private readonly deadLetterQueue: string,
    @Inject(MESSAGE_PIPELINE_OPTIONS) private readonly options: Pick<MessagePipelineOptions, 'jobMaxAgeMs'>,
    @Optional() @Inject(JOB_FAILURES) private readonly jobFailures?: JobFailures,
    @Optional() private readonly metrics?: MessageMetrics,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rmq = context.switchToRpc().getContext<RmqContext>();
    const message = rmq.getMessage() as ConsumeMessage;
    const inbound: Inbound = {
      // As Nest parsed it, from bytes whose signature the transport checked on arrival (a v1
      // signature is checked over this packet instead).
      packet: { pattern: rmq.getPattern(), data: context.switchToRpc().getData<unknown>() },
      delivery: new Delivery(rmq.getChannelRef() as Channel, message, this.deadLetterQueue),
      payloadType: this.reflector.get<Type<object> | undefined>(COMMAND_PAYLOAD, context.getHandler()),
      readsOnly: this.reflector.get<boolean | undefined>(COMMAND_READS_ONLY, context.getHandler()) === true,
      job: this.reflector.get<boolean | undefined>(COMMAND_JOB, context.getHandler()) === true,
      args: context.getArgs<unknown[]>(),
      span: new ConsumeSpan({
        queue: message.fields.routingKey,
        pattern: rmq.getPattern(),
        messageId: message.properties.messageId,
        headers: message.properties.headers ?? {},
      }),
    };
    inFlight.enter();
    const interactiveDone = inbound.job ? undefined : this.pacing.interactiveStarted();
    const handled = this.cls
      .run(async () => {
        // A batch waits here for interactive messages (JobPacing); its duration starts once it runs.
        const jobDone = inbound.job ? await this.pacing.jobTurn() : undefined;
        const startedMs = performance.now();
        try {
          return await this.handleMessage(inbound, next);
        } finally {
          interactiveDone?.();
          jobDone?.();
          // Inside the context, where the tenant (once admitted) is known: its one closing line
          // (message-line) and its counts.
          const durationMs = performance.now() - startedMs;
          inbound.span.within(() => logHandled(inbound, durationMs));
          const tenantId = this.metrics?.perTenant ? this.tenantContext.get()?.tenantId : undefined;
          this.metrics?.settled(inbound.packet.pattern, inbound.delivery, durationMs, tenantId);
        }
      })
      .finally(() => {
        inbound.span.end();
        inFlight.leave();
      });
    // NEVER, not EMPTY: Nest would answer a completed stream with an empty reply.
    return from(handled).pipe(mergeMap((result) => (result === NO_REPLY ? NEVER : of(result))));
  }

  private async handleMessage(inbound: Inbound, next: CallHandler): Promise<unknown> {
    let result: unknown;
    try {
      // The handler gets the validated instance in place of the parsed JSON.
      inbound.args[0] = await this.admit(inbound);
      // One delivery of a message id at a time: a second one at the same moment gets 409 (in flight).
      const exclusiveKey = inbound.readsOnly ? undefined : applied(inbound).messageId;
      result = await inbound.span.within(() =>
        this.tenantTransaction.run(() => this.work(inbound, next), { exclusiveKey }),
      );
      this.currentMessage.settled(true);
    } catch (err) {
      this.currentMessage.settled(false);
      return inbound.span.within(() => this.failed(inbound, err));
    }
    // Outside the try: the work is committed, so a failing ack must not be reported as a failure.
    inbound.delivery.ack();
    return result;
  }

  /** Settles a message whose handling failed: an earlier answer, a retry, or a reply and a dead letter. */
  private async failed(inbound: Inbound, err: unknown): Promise<unknown> {
    const { packet, delivery } = inbound;
    let failure = err;
    try {
      const earlier = inbound.readsOnly
        ? undefined
        : await this.exactlyOnce.earlierAnswer(applied(inbound), err);
      if (earlier) {
        inbound.answeredBefore = true;
        delivery.ack();
        inbound.span.end();
        return earlier.reply;
      }
    } catch (lookupErr) {
      failure = lookupErr;
    }
    try {
      if (this.failures.retryLater(delivery, failure)) {
        inbound.span.end(failure);
        return NO_REPLY;
      }
    } catch (tooLate) {
      failure = tooLate;
    }
    const answer = this.failures.settle(packet.pattern, delivery, failure);
    inbound.answerCode = answer.code;
    // A domain error is an answer, not a fault of the system.
    inbound.span.end(failure instanceof DomainError ? undefined : failure);
    if (inbound.job && !(failure instanceof DomainError)) await this.jobFailed(inbound, answer.message);
    throw new RpcException(answer);
  }

  /**
   * The handler, then (unless it only reads) its record in the inbox, in the same transaction. The
   * deadline is checked once more before COMMIT, with a margin for the commit itself: an attempt
   * that began in time but waited (a lock, a slow statement) must not commit once the caller has
   * been told 503.
   */
  private async work(inbound: Inbound, next: CallHandler): Promise<unknown> {
    // null, not undefined: Nest answers undefined with an empty reply, which the caller cannot read.
    const result = (await lastValueFrom<unknown, null>(next.handle(), { defaultValue: null })) ?? null;
    if (inbound.readsOnly) return result;
    await this.exactlyOnce.record(applied(inbound), result);
    assertNotExpired(inbound.delivery.message, Date.now(), COMMIT_MARGIN_MS);
    return result;
  }

  /**
   * A job whose batch was dead-lettered ends `failed`, in a transaction of its own (best effort: the
   * database may be why). Only for an authenticated batch: a forged one names no job of ours.
   */
  private async jobFailed(inbound: Inbound, reason: string): Promise<void> {
    const { jobId } = (inbound.packet.data ?? {}) as { jobId?: unknown };
    if (!this.jobFailures || !this.tenantContext.get() || typeof jobId !== 'string' || !inbound.authenticated)
      return;
    // A batch can be refused before its job's start command has committed (batches are published
    // first): wait for the job, as long as that command may still commit.
    for (let tries = 0; tries < JOB_FAILURE_TRIES; tries++) {
      try {
        if (await this.tenantTransaction.run(() => this.jobFailures!.failed(jobId, reason))) {
          this.currentMessage.settled(true);
          return;
        }
        this.currentMessage.settled(false);
      } catch (err) {
        MessagePipeline.logger.warn(`Could not mark job ${jobId} failed: ${String(err)}`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, JOB_FAILURE_WAIT_MS));
    }
    MessagePipeline.logger.warn(`Job ${jobId} never became visible; its batch is dead-lettered`);
  }

  /** Everything that can refuse a message without the database, so a refused one never opens a transaction. */
  private admit(inbound: Inbound): Promise<object> {
    const { packet, delivery, payloadType, readsOnly, job } = inbound;
    const identity = readIdentity(delivery.message);
    const maxAgeMs = job ? this.options.jobMaxAgeMs : undefined;
    const { key, signedAt, traceparent } = this.authenticator.authenticate(
      delivery.message,
      identity,
      packet,
      { trustRedelivery: !readsOnly, maxAgeMs },
    );
    inbound.span.continueTrace(traceparent);
    // The gateway's own request from here on: whatever it is answered, even a refusal for its time
    // (clocks apart: 503), is signed for it.
    replySignatures.answerAs(delivery.message, key, identity.tenantId);
    this.authenticator.assertFresh(signedAt, maxAgeMs);
    inbound.authenticated = true;
    assertNotExpired(delivery.message);
    // The inbox's key (the signature check has already required one).
    if (!isUuid(delivery.message.properties.messageId)) {
      throw new RejectedMessageError('message id is not a uuid');
    }
    this.tenantContext.set(identity);
    inbound.span.setAttributes({ 'tenantry.tenant_id': identity.tenantId });
    this.currentMessage.set(delivery.message.properties.messageId);
    // Our bug, not the sender's (CommandHandlersCheck stops such a worker at boot): dead-lettered as
    // unexpected, and the caller gets `internal`.
    if (!payloadType) throw new UndeclaredPayloadError(packet.pattern);
    return validatePayload(payloadType, packet.data);
  }
}

function applied({ packet, delivery }: Inbound) {
  return { messageId: delivery.message.properties.messageId as string, packet };
}
