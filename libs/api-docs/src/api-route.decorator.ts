import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { HeadersObject } from '@nestjs/swagger';
import { ErrorBody } from './error-body';

/** The name of the bearer (JWT) security scheme in the document. */
export const BEARER_SCHEME = 'bearer';

const RETRY_AFTER: HeadersObject = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } },
};

/** The request headers every route takes: the gateway keeps or makes a correlation id for each request. */
const CORRELATION_ID = ApiHeader({
  name: 'x-correlation-id',
  required: false,
  description:
    'Ties the request to its log lines in both apps; 1–100 of `A-Z a-z 0-9 . _ : -`, else a new one is made',
});

// What each error looks like, for Swagger UI's example (ErrorBody alone would show one for all).
const EXAMPLES: Record<number, Pick<ErrorBody, 'message' | 'error'>> = {
  400: { message: ['name must be between 1 and 200 characters long'], error: 'Bad Request' },
  401: { message: 'missing or invalid bearer token', error: 'Unauthorized' },
  403: { message: 'Tenant is unknown or suspended', error: 'Forbidden' },
  404: { message: 'Project not found', error: 'Not Found' },
  409: { message: 'A project with this name already exists', error: 'Conflict' },
  413: { message: 'Request body is too large' },
  422: { message: 'This Idempotency-Key was used for a different request', error: 'Unprocessable Entity' },
  429: { message: 'This tenant may send 400 requests in 2 s; retry after 1 s', error: 'Too Many Requests' },
  503: { message: 'The message broker is unavailable', error: 'Service Unavailable' },
};

function error(status: number, description: string, headers?: HeadersObject) {
  const example = { statusCode: status, ...EXAMPLES[status] };
  return ApiResponse({ status, description, type: ErrorBody, headers, example });
}

/** A group of routes that need a token: its tag, the bearer scheme and the correlation id header. */
export function ApiResource(tag: string) {
  return applyDecorators(ApiTags(tag), ApiBearerAuth(BEARER_SCHEME), CORRELATION_ID);
}

/** A group of routes open without a token (health). */
export function ApiPublicResource(tag: string) {
  return applyDecorators(ApiTags(tag), CORRELATION_ID);
}

export interface RouteDocs {
  summary: string;
  /** POST, PATCH or DELETE: takes an Idempotency-Key, and answers 422 and 409 for it. */
  write?: boolean;
  /** Takes a body: 413 past the body limit, or when its command would outgrow a message. */
  body?: boolean;
  /** What is looked up (`Project`): 404 when the tenant has none such. */
  notFound?: string;
  /** When the route answers 409 for a reason of its own. */
  conflict?: string;
}

/**
 * The summary and the error responses of a route that needs a token. Each status is declared once
 * (an OpenAPI response is keyed by status), so a 409 that has two causes says both.
 */
export function ApiRoute({ summary, write, body, notFound, conflict }: RouteDocs) {
  const decorators = [
    ApiOperation({ summary }),
    error(400, 'The input is not valid: the message says what is wrong'),
    error(401, 'No token, or one that is invalid or expired'),
    error(403, 'The tenant is unknown or suspended'),
    error(
      429,
      "Past the tenant's request budget (RateLimit-Limit, -Remaining, -Reset on every answer)",
      RETRY_AFTER,
    ),
    error(503, 'The broker or the workers are unavailable, slow or saturated', RETRY_AFTER),
  ];
  if (notFound) decorators.push(error(404, `${notFound} not found in the tenant`));
  if (body) decorators.push(error(413, 'The body, or the command made of it, is too large'));
  if (write) {
    decorators.push(
      ApiHeader({
        name: 'Idempotency-Key',
        required: false,
        description:
          'Makes a retry safe: the same key within the tenant applies the request once and answers as the first time. A quoted string (RFC 8941) or a token, 1–255 printable characters',
      }),
      error(422, 'This Idempotency-Key was used for a different request'),
    );
  }
  const conflicts = [
    ...(conflict ? [conflict] : []),
    ...(write ? ['a request with the same Idempotency-Key is still in flight (with Retry-After)'] : []),
  ];
  if (conflicts.length > 0) {
    decorators.push(error(409, capitalised(conflicts.join('; or ')), write ? RETRY_AFTER : undefined));
  }
  return applyDecorators(...decorators);
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
