import { Inject, Injectable } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { SignedFields } from './canonical-form';
import { signMessage } from './message-signature';

export const MESSAGE_SIGNING_KEY = Symbol('MESSAGE_SIGNING_KEY');

/** Signs commands with the gateway's own key (not the JWT secret); the worker signs a job's batches so too. */
@Injectable()
export class MessageSigner {
  constructor(@Inject(MESSAGE_SIGNING_KEY) private readonly key: KeyObject) {}

  sign(fields: SignedFields): string {
    return signMessage(this.key, fields);
  }
}
