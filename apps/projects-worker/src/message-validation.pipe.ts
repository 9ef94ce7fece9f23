import { ValidationError, ValidationPipe } from '@nestjs/common';
import { RejectedMessageError } from '@app/messaging';

function describe(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((c) => (parent ? `${parent}.${c}` : c)),
    ...describe(e.children ?? [], parent ? `${parent}.${e.property}` : e.property),
  ]);
}

/**
 * Payloads are checked against the same classes the gateway validates with. Unknown fields are
 * refused, so a payload cannot smuggle a tenantId; a payload that fails is dead-lettered.
 */
export function messageValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new RejectedMessageError(`invalid payload: ${describe(errors).join('; ')}`),
  });
}
