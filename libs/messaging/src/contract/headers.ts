/**
 * AMQP headers every command carries. The tenant travels here and only here: the worker never
 * reads a tenant from the payload.
 */
export const MessageHeader = {
  TenantId: 'x-tenant-id',
  UserId: 'x-user-id',
  CorrelationId: 'x-correlation-id',
  // Epoch milliseconds after which the caller has given up; the worker then must not apply it.
  Deadline: 'x-deadline',
  // HMAC-SHA256 by the gateway over tenant, user, message id, pattern, time, deadline and body.
  Signature: 'x-signature',
  SignedAt: 'x-signed-at',
  // Set on the dead-letter copy: why the worker refused the message.
  DeadLetterReason: 'x-dead-letter-reason',
} as const;
