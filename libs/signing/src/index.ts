// Signatures: the gateway signs commands, the worker verifies them and signs its replies (see SECURITY.md).
export type { ReplyFields, SignedFields } from './canonical-form';
export { signingKey, signMessage } from './message-signature';
export type { VerifyOptions } from './message-signature';
export { signReply, verifyReply } from './reply-signature';
export { MESSAGE_SIGNING_KEY, MessageSigner } from './message-signer';
export { MessageAuthenticator } from './message-authenticator';
export type { AuthenticateOptions, AuthenticatorOptions } from './message-authenticator';
export { verifiedCommand } from './signed-command';
export type { MessagePacket, SignedIdentity, VerifiedCommand } from './signed-command';
