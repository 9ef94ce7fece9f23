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
} as const;
