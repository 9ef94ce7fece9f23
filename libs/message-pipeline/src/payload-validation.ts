import { Type, ValidationError } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { RejectedMessageError } from '@app/messaging';
import { inputShapeProblems } from '@app/validation';

function listConstraints(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((c) => (parent ? `${parent}.${c}` : c)),
    ...listConstraints(e.children ?? [], parent ? `${parent}.${e.property}` : e.property),
  ]);
}

/**
 * Checks a payload against the same class the gateway validated it with, and returns the instance
 * the handler gets. Unknown fields are refused, so a payload cannot smuggle a tenantId; a payload
 * that fails is dead-lettered. The same options as Nest's ValidationPipe at the gateway, and the
 * same shape check before it: a reserved key (`constructor`, …) that class-transformer would drop
 * is refused, and nothing nested deeper than the gateway takes reaches the recursing validators.
 * A bad page cursor is an InvalidInputError thrown while the instance is built: answered, not
 * dead-lettered (see PageQuery).
 */
export async function validatePayload<T extends object>(type: Type<T>, data: unknown): Promise<T> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new RejectedMessageError('invalid payload: not an object');
  }
  const shapeProblems = await inputShapeProblems(data, 'payload');
  if (shapeProblems.length > 0) {
    throw new RejectedMessageError(`invalid payload: ${shapeProblems.join('; ')}`);
  }
  const payload = plainToInstance(type, data);
  const errors = await validate(payload, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw new RejectedMessageError(`invalid payload: ${listConstraints(errors).join('; ')}`);
  }
  return payload;
}
