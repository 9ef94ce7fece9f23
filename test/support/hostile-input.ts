// The input side of test/security/property.spec.ts: what a hostile client sends, and a model of
// what the gateway's contract lets through, so a property can tell "must be a 4xx" from "may pass".
import fc from 'fast-check';
import { parse as parseQuery } from 'node:querystring';

// What class-validator's @IsUUID() accepts: versions 1–8, RFC variant, nil and max.
export const ACCEPTED_UUID =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|0{8}-0{4}-0{4}-0{4}-0{12}|f{8}-f{4}-f{4}-f{4}-f{12})$/i;

export interface RawResponse {
  status: number;
  text: string;
}

/** Sends exactly these bytes and headers; fetch adds nothing but Host, Content-Length and the like. */
export async function send(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<RawResponse> {
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
  return { status: res.status, text: await res.text() };
}

/**
 * The body as the gateway would parse it, or undefined when it would not. Nest's Fastify adapter
 * also parses urlencoded forms (harmless here: a bearer token, not a cookie, authenticates).
 */
export function parseAsGateway(contentType: string, raw: string): unknown {
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  if (mediaType === 'application/x-www-form-urlencoded') return { ...parseQuery(raw) };
  if (mediaType !== 'application/json') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * False when the body is certainly outside the create/update contract; true when it might be
 * inside (string lengths are left to the server, which counts them its own way).
 */
export function mightBeValidBody(body: unknown, nameRequired: boolean): boolean {
  if (!isPlainObject(body)) return false;
  if (Object.keys(body).some((key) => key !== 'name' && key !== 'description')) return false;
  const { name, description } = body;
  if (nameRequired && name === undefined) return false;
  if (name !== undefined && (typeof name !== 'string' || name.length === 0 || !/\S/.test(name))) return false;
  if (name !== undefined && name.length > 400) return false;
  if (description !== undefined && description !== null && typeof description !== 'string') return false;
  return true;
}

export const printableAscii = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

const sqlish = fc.constantFrom(
  "' OR 1=1 --",
  "'; DROP TABLE projects; --",
  "1' UNION SELECT * FROM tenants --",
  '*',
  '%',
  "x'||pg_sleep(1)||'",
  '$1',
  '\\x00',
);
const traversal = fc.constantFrom(
  '..%2f..%2fhealth',
  '../../health',
  '..\\..\\',
  '%2e%2e%2f',
  '....//',
  '.%00.',
);

export const junkString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  sqlish,
  traversal,
  fc.string({ minLength: 201, maxLength: 3000 }),
);

/**
 * Junk for one path segment. Not empty, '.' or '..': URL parsing drops or resolves those, so the
 * request would reach another route (a 404 from the router) rather than the one under test.
 */
export const junkSegment = junkString.filter((s) => s.length > 0 && s !== '.' && s !== '..');
