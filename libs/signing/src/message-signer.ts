import { Inject, Injectable } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { SignedFields, signMessage } from './message-signature';

export const MESSAGE_SIGNING_KEY = Symbol('MESSAGE_SIGNING_KEY');

/** Gateway side: signs each command with the gateway's own key (not the JWT secret). */
@Injectable()
export class MessageSigner {
  constructor(@Inject(MESSAGE_SIGNING_KEY) private readonly key: KeyObject) {}

  sign(fields: SignedFields): string {
    return signMessage(this.key, fields);
  }
}
