import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy, RmqRecordBuilder } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import { DomainError, ErrorCode } from '@app/errors';
import { TenantContextService } from '@app/tenancy';
import { MessageHeader } from '../contract/headers';
import { ProjectPattern } from '../contract/patterns';
import { CreateProjectInput, ListProjectsInput, UpdateProjectInput } from '../contract/project.payloads';
import { ProjectPage, ProjectView } from '../contract/project.view';
import { isRpcErrorBody, toDomainError } from '../contract/rpc-error';
import { MessageSigner } from '../signing/message-signer';

export const PROJECTS_RMQ_CLIENT = Symbol('PROJECTS_RMQ_CLIENT');
export const RPC_TIMEOUT_MS = Symbol('RPC_TIMEOUT_MS');

/** The gateway's typed way to the projects worker: the tenant goes into headers, from CLS only. */
@Injectable()
export class ProjectsClient {
  constructor(
    @Inject(PROJECTS_RMQ_CLIENT) private readonly client: ClientProxy,
    @Inject(RPC_TIMEOUT_MS) private readonly timeoutMs: number,
    private readonly tenantContext: TenantContextService,
    private readonly signer: MessageSigner,
  ) {}

  create(input: CreateProjectInput): Promise<ProjectView> {
    return this.send(ProjectPattern.Create, input);
  }

  list(input: ListProjectsInput): Promise<ProjectPage> {
    return this.send(ProjectPattern.List, input);
  }

  get(id: string): Promise<ProjectView> {
    return this.send(ProjectPattern.Get, { id });
  }

  update(id: string, input: UpdateProjectInput): Promise<ProjectView> {
    return this.send(ProjectPattern.Update, { ...input, id });
  }

  async delete(id: string): Promise<void> {
    await this.send(ProjectPattern.Delete, { id });
  }

  private async send<T>(pattern: ProjectPattern, data: object): Promise<T> {
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
    const record = new RmqRecordBuilder(data)
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
    try {
      return await firstValueFrom(this.client.send<T>(pattern, record).pipe(timeout(this.timeoutMs)));
    } catch (err) {
      if (err instanceof TimeoutError) {
        throw new DomainError(
          ErrorCode.Unavailable,
          `The projects service did not answer within ${this.timeoutMs} ms; the request may or may not have been applied`,
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
}
