import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ClsService } from 'nestjs-cls';
import { Observable } from 'rxjs';
import { IDEMPOTENCY_KEY, parseIdempotencyKey } from './idempotency-key';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Puts a write's Idempotency-Key into CLS, where the command client turns it into the command's
 * message id. A read's key is ignored: reads are safe to repeat anyway.
 */
@Injectable()
export class IdempotencyKeyInterceptor implements NestInterceptor {
  constructor(private readonly cls: ClsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<FastifyRequest>();
      const header = request.headers['idempotency-key'];
      if (typeof header === 'string' && UNSAFE_METHODS.has(request.method)) {
        this.cls.set(IDEMPOTENCY_KEY, parseIdempotencyKey(header));
      }
    }
    return next.handle();
  }
}
