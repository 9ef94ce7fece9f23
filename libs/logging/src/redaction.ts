import { MessageHeader } from '@app/messaging';

const CENSOR = '[Redacted]';
const SECRET_KEYS = ['authorization', 'cookie', 'password', 'secret', 'token', 'accessToken', 'signature'];
const SIGNATURE = `["${MessageHeader.Signature}"]`;

/**
 * Paths pino replaces with `[Redacted]`: credentials in HTTP headers, message signatures, secrets
 * at the top of a line's object. One level down, any key, is withoutSecrets' job.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  `req.headers${SIGNATURE}`,
  'res.headers["set-cookie"]',
  SIGNATURE,
  ...SECRET_KEYS,
];

export const redaction = { paths: REDACTED_PATHS, censor: CENSOR };

const SECRETS = new Set<string>([...SECRET_KEYS, MessageHeader.Signature]);

// A copy of an object with the same prototype and own properties (an Error keeps its message and
// stack), so that the caller's object is never changed.
function copyOf(value: object): Record<string, unknown> {
  return Object.create(
    Object.getPrototypeOf(value) as object | null,
    Object.getOwnPropertyDescriptors(value),
  ) as Record<string, unknown>;
}

/**
 * A line's object with secrets one level down replaced (`{ options: { secret } }`, `{ headers:
 * { authorization } }`), as pino's `formatters.log`; the object itself when there are none, which
 * is nearly always. By hand: pino's wildcard paths (`*.secret`) did the same at about 30 µs a
 * line here, three times the cost of the rest of the line, for lines that hold no secret at all.
 */
export function withoutSecrets(line: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(line)) {
    const value = line[key];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    const secrets = Object.keys(value).filter((inner) => SECRETS.has(inner));
    if (secrets.length === 0) continue;
    const censored = copyOf(value);
    for (const inner of secrets) censored[inner] = CENSOR;
    (copy ??= { ...line })[key] = censored;
  }
  return copy ?? line;
}

// A JWT in compact form: its header is base64url JSON, which always begins `{"` (eyJ).
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

/**
 * The written line with anything shaped like a JWT replaced, wherever it sits: in a message, an
 * error, or a field no redaction path names. Run on each line as pino writes it (its streamWrite
 * hook); lines without `eyJ` are not scanned.
 */
export function withoutTokens(line: string): string {
  return line.includes('eyJ') ? line.replace(JWT, `${CENSOR} JWT`) : line;
}
