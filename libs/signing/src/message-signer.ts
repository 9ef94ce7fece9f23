import { Inject, Injectable } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { CommandProperties, signedPublish } from './signed-command';

export const MESSAGE_SIGNING_KEY = Symbol('MESSAGE_SIGNING_KEY');

/** Signs commands with the gateway's own key (not the JWT secret); the worker signs a job's batches so too. */
@Injectable()
export class MessageSigner {
  constructor(@Inject(MESSAGE_SIGNING_KEY) private readonly key: KeyObject) {}

  /** The options to publish exactly these bytes with, signed over both. */
  signed<T extends CommandProperties & { headers?: Record<string, unknown> }>(
    content: Buffer,
    options: T,
  ): T {
    return signedPublish(this.key, content, options);
  }
}
