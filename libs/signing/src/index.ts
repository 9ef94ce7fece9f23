// Command signatures: the gateway signs, the worker verifies (see SECURITY.md).
export { signingKey, signMessage } from './message-signature';
export { MESSAGE_SIGNING_KEY, MessageSigner } from './message-signer';
export { MessageAuthenticator } from './message-authenticator';
export type { MessagePacket } from './message-authenticator';
