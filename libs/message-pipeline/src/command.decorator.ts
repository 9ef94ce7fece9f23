import { applyDecorators, SetMetadata, Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';

export const COMMAND_PAYLOAD = 'tenantry:command-payload';

/**
 * Marks a message handler for `pattern` whose payload must be a valid `payload` instance. The
 * pipeline validates it before it opens the transaction, and refuses a handler without one: a
 * plain `@MessagePattern` would let an unchecked payload reach the database.
 */
export function Command(pattern: string, payload: Type<object>): MethodDecorator {
  return applyDecorators(MessagePattern(pattern), SetMetadata(COMMAND_PAYLOAD, payload));
}
