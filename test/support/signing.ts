import { randomUUID } from 'node:crypto';
import { MessageHeader } from '@app/messaging';
import { signingKey, signMessage } from '@app/signing';

export interface SignedPublish {
  tenantId: string;
  userId?: string;
  /** Signs with this secret instead of the apps' MESSAGE_SIGNING_KEY. */
  secret?: string;
  messageId?: string;
  signedAt?: number;
  deadline?: string;
  /** Extra or replacing headers, applied after signing (to tamper). */
  headers?: Record<string, unknown>;
  /** Replaces the body after signing (to tamper). */
  tamperedData?: unknown;
}

/**
 * The id and headers the gateway would send with this command, signed with the apps' key. Headers
 * given in options replace the signed ones afterwards; one set to undefined is left out.
 */
export function signLikeGateway(
  pattern: string,
  data: unknown,
  options: SignedPublish,
): { messageId: string; headers: Record<string, unknown> } {
  const messageId = options.messageId ?? randomUUID();
  const signedAt = options.signedAt ?? Date.now();
  const userId = options.userId ?? 'test-user';
  const deadline = options.deadline ?? String(Date.now() + 30_000);
  const key = signingKey(options.secret ?? process.env.MESSAGE_SIGNING_KEY ?? '');
  const signature = signMessage(key, {
    tenantId: options.tenantId,
    userId,
    messageId,
    pattern,
    signedAt,
    deadline,
    data,
  });
  const headers: Record<string, unknown> = {
    [MessageHeader.TenantId]: options.tenantId,
    [MessageHeader.UserId]: userId,
    [MessageHeader.CorrelationId]: randomUUID(),
    [MessageHeader.Deadline]: deadline,
    [MessageHeader.SignedAt]: String(signedAt),
    [MessageHeader.Signature]: signature,
    ...options.headers,
  };
  for (const [name, value] of Object.entries(headers)) if (value === undefined) delete headers[name];
  return { messageId, headers };
}
