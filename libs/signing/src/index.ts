// Command signatures: the gateway signs, the worker verifies (see SECURITY.md).
export { signingKey, signMessage } from './message-signature';
export type { SignedFields } from './message-signature';
export { MESSAGE_SIGNING_KEY, MessageSigner } from './message-signer';
export { MessageAuthenticator } from './message-authenticator';
export { verifiedCommand } from './signed-command';
export type { MessagePacket, SignedIdentity } from './signed-command';
