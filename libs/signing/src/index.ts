// Signatures: the gateway signs commands, the worker verifies them and signs its replies (see SECURITY.md).
export type { MessagePacket, ReplyFields, SignedFields } from './canonical-form';
export { signCommand, signingKey } from './message-signature';
export { signReply, verifyReply } from './reply-signature';
export { MESSAGE_SIGNING_KEY, MessageSigner } from './message-signer';
export { MessageAuthenticator } from './message-authenticator';
export type { AuthenticateOptions, AuthenticatorOptions } from './message-authenticator';
export { signedFieldsOf, signedPublish, verifiedBytes, verifiedCommand } from './signed-command';
export type { CommandProperties, SignedIdentity, VerifiedCommand, VerifyOptions } from './signed-command';
