import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { queueNames } from '@app/messaging';
import { MessageAuthenticator, signingKey } from '@app/signing';
import { CommandHandlersCheck } from './command-handlers.check';
import { CurrentMessage } from './current-message';
import { JobPacing } from './job-pacing';
import { JobQueue } from './job-queue';
import { DatabaseWatch } from './database-watch';
import { ExactlyOnce } from './exactly-once';
import { FailurePolicy } from './failure-policy';
import { MessagePipeline } from './message-pipeline.interceptor';
import { MessageMetrics } from './message.metrics';
import {
  DEAD_LETTER_QUEUE,
  MESSAGE_PIPELINE_OPTIONS,
  MessagePipelineModuleBase,
  MessagePipelineOptions,
} from './message-pipeline.options';

/** Runs every message handler of the app inside the pipeline; import once, in the worker's root module. */
@Module({
  imports: [DiscoveryModule],
  providers: [
    CommandHandlersCheck,
    CurrentMessage,
    JobQueue,
    DatabaseWatch,
    ExactlyOnce,
    FailurePolicy,
    MessageMetrics,
    {
      provide: MessageAuthenticator,
      inject: [MESSAGE_PIPELINE_OPTIONS],
      useFactory: (options: MessagePipelineOptions) =>
        new MessageAuthenticator({
          keys: options.signingSecrets.map(signingKey),
          maxAgeMs: options.maxAgeMs,
          maxSkewMs: options.maxClockSkewMs,
          acceptV1: options.acceptSignatureV1,
        }),
    },
    {
      provide: JobPacing,
      inject: [MESSAGE_PIPELINE_OPTIONS],
      useFactory: (options: MessagePipelineOptions) => new JobPacing(options.jobPacing),
    },
    {
      provide: DEAD_LETTER_QUEUE,
      inject: [MESSAGE_PIPELINE_OPTIONS],
      useFactory: (options: MessagePipelineOptions) => queueNames(options.queuePrefix).deadLetter,
    },
    { provide: APP_INTERCEPTOR, useClass: MessagePipeline },
  ],
  exports: [CurrentMessage, JobQueue, MessageMetrics],
})
export class MessagePipelineModule extends MessagePipelineModuleBase {}
