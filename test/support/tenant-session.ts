import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { hs256Key, signAccessToken } from '@app/auth';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

let adminPool: Pool | undefined;

/**
 * Superuser connection for arranging data and for asserting what was really written. It must be
 * a superuser (which RLS never filters), or "no row was written" checks would pass vacuously.
 */
export async function admin(): Promise<Pool> {
  if (!adminPool) {
    const pool = new Pool({ connectionString: process.env.DATABASE_ADMIN_URL, max: 2 });
    const { rows } = await pool.query<{ rolsuper: boolean }>(
      'SELECT rolsuper FROM pg_roles WHERE rolname = current_user',
    );
    if (!rows[0]?.rolsuper) throw new Error('DATABASE_ADMIN_URL must be a superuser for the test assertions');
    adminPool = pool;
  }
  return adminPool;
}

export async function closeAdmin(): Promise<void> {
  await adminPool?.end();
  adminPool = undefined;
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

  static async create(baseUrl: string, status: 'active' | 'suspended' = 'active'): Promise<TenantSession> {
    const tenantId = randomUUID();
    await (
      await admin()
    ).query('INSERT INTO tenants (id, name, status) VALUES ($1, $2, $3)', [
      tenantId,
      `tenant ${tenantId}`,
      status,
    ]);
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

export interface StoredProject {
  id: string;
  tenant_id: string;
  name: string;
  description: string | null;
}

/** What the database really holds for a tenant, read as the superuser. */
export async function projectsOf(tenantId: string): Promise<StoredProject[]> {
  const { rows } = await (
    await admin()
  ).query<StoredProject>(
    'SELECT id, tenant_id, name, description FROM projects WHERE tenant_id = $1 ORDER BY created_at, id',
    [tenantId],
  );
  return rows;
}
