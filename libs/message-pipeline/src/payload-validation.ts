import { Type } from '@nestjs/common';
import { validate } from 'class-validator';
import { RejectedMessageError } from '@app/messaging';
import { constraintMessages, inputShapeProblems, toInstance, validateSlicedItems } from '@app/validation';

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
  const payload = toInstance(type, data);
  const errors = constraintMessages(await validate(payload, { whitelist: true, forbidNonWhitelisted: true }));
  // Long arrays (a job's batch) after the rest, a slice at a time: see ValidateInSlices.
  if (errors.length === 0) errors.push(...(await validateSlicedItems(payload)));
  if (errors.length > 0) {
    throw new RejectedMessageError(`invalid payload: ${errors.join('; ')}`);
  }
  return payload;
}
