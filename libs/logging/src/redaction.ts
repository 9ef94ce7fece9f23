import { MessageHeader } from '@app/messaging';

const CENSOR = '[Redacted]';
const SECRET_KEYS = ['authorization', 'cookie', 'password', 'secret', 'token', 'accessToken', 'signature'];
const SIGNATURE = `["${MessageHeader.Signature}"]`;

/**
 * Paths pino replaces with `[Redacted]`, at the top of a line's object and one level down (a
 * wildcard matches one level): credentials in HTTP headers, message signatures, secrets.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  `req.headers${SIGNATURE}`,
  'res.headers["set-cookie"]',
  `headers${SIGNATURE}`,
  SIGNATURE,
  `*${SIGNATURE}`,
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
];

export const redaction = { paths: REDACTED_PATHS, censor: CENSOR };

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
