import { randomUUID } from 'node:crypto';
import { hs256Key, signAccessToken } from '@app/auth';
import { createTenant, TenantStatus } from './database';
import type { Stack } from './stack';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

export function tokenFor(tenantId: string, ttl: string | number = '10m'): string {
  return signAccessToken(
    { tenantId, sub: `user-${tenantId.slice(0, 8)}`, email: 'user@example.com', ttl },
    hs256Key(process.env.JWT_SECRET ?? ''),
  );
}

/** One tenant with a user token, talking to the real gateway over HTTP. */
export class TenantSession {
  private constructor(
    readonly baseUrl: string,
    readonly tenantId: string,
    readonly token: string,
  ) {}

  static async create(baseUrl: string, status: TenantStatus = 'active'): Promise<TenantSession> {
    const tenantId = await createTenant({ status });
    return new TenantSession(baseUrl, tenantId, tokenFor(tenantId));
  }

  /** A session for a tenant that exists nowhere. */
  static unknown(baseUrl: string): TenantSession {
    const tenantId = randomUUID();
    return new TenantSession(baseUrl, tenantId, tokenFor(tenantId));
  }

  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    return request<T>(this.baseUrl, method, path, body, {
      authorization: `Bearer ${this.token}`,
      ...headers,
    });
  }
}

export async function request<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Two fresh tenants, A and B, made before each test (or once, with beforeAll) through the stack. */
export function useTenantPair(stack: Stack, hook: typeof beforeEach = beforeEach) {
  const pair = {} as { a: TenantSession; b: TenantSession };
  hook(async () => {
    pair.a = await TenantSession.create(stack.baseUrl);
    pair.b = await TenantSession.create(stack.baseUrl);
  });
  return pair;
}
