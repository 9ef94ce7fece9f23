// Threat: a client, without any token, that opens connections and trickles its request a byte at a
// time (slow-loris), holding each connection, and the memory and sockets behind it, for ever. The
// gateway must close such a connection within its configured timeouts, while clients that send
// their request at a normal pace, or slowly but within the bounds, are served.
import { connect, Socket } from 'node:net';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';

// Small bounds for the test; the defaults are 10 s, 300 s and 72 s. Node checks them every
// min(1 s, headers timeout), so a connection is closed within its timeout plus that.
const HEADERS_TIMEOUT_MS = 600;
const REQUEST_TIMEOUT_MS = 1500;
const KEEP_ALIVE_TIMEOUT_MS = 1000;
const CHECK_INTERVAL_MS = Math.min(1000, HEADERS_TIMEOUT_MS);
// Room for a busy machine on top of the timeout and Node's check interval.
const SLACK_MS = 1500;

process.env.HTTP_HEADERS_TIMEOUT_MS = String(HEADERS_TIMEOUT_MS);
process.env.HTTP_REQUEST_TIMEOUT_MS = String(REQUEST_TIMEOUT_MS);
process.env.HTTP_KEEP_ALIVE_TIMEOUT_MS = String(KEEP_ALIVE_TIMEOUT_MS);

interface Connection {
  socket: Socket;
  /** Everything the gateway sent back. */
  received: () => string;
  /** Resolves with the time from connecting to the gateway closing the connection. */
  closed: Promise<number>;
}

function open(baseUrl: string): Promise<Connection> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const started = Date.now();
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - started)));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      // A reset is how some closes arrive; 'close' follows it either way.
      socket.on('error', () => undefined);
      resolve({ socket, received: () => text, closed });
    });
  });
}

/** Writes the chunks one by one, `everyMs` apart, while the socket is open. */
function trickle(socket: Socket, chunks: string[], everyMs: number): Promise<void> {
  return new Promise((resolve) => {
    let next = 0;
    const timer = setInterval(() => {
      if (next === chunks.length || socket.destroyed) {
        clearInterval(timer);
        resolve();
        return;
      }
      socket.write(chunks[next++]);
    }, everyMs);
  });
}

/** A chunk per byte of the text, endlessly repeated: more bytes than any timeout lets through. */
const bytes = (text: string) => Array.from({ length: 1000 }, () => [...text]).flat();

function statusOf(response: string): number | undefined {
  const match = /^HTTP\/1\.1 (\d{3}) /.exec(response);
  return match ? Number(match[1]) : undefined;
}

describe('Clients that trickle their request (slow-loris)', () => {
  const stack = useStack();
  let session: TenantSession;

  beforeAll(async () => {
    session = await TenantSession.create(stack.baseUrl);
  });

  it('should close a connection whose headers never end, within the headers timeout', async () => {
    const { socket, received, closed } = await open(stack.baseUrl);
    socket.write('GET /projects HTTP/1.1\r\nHost: gateway\r\n');
    void trickle(socket, bytes('X-Slow: a'), 100);

    expect(await closed).toBeLessThanOrEqual(HEADERS_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS);
    expect(statusOf(received())).toBe(408);
  });

  it('should close a connection that opens and sends nothing, within the headers timeout', async () => {
    const { closed } = await open(stack.baseUrl);

    expect(await closed).toBeLessThanOrEqual(HEADERS_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS);
  });

  it('should close a connection whose body never ends, within the request timeout', async () => {
    const { socket, received, closed } = await open(stack.baseUrl);
    socket.write(
      'POST /projects HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"name":"',
    );
    void trickle(socket, bytes('a'), 100);

    expect(await closed).toBeLessThanOrEqual(REQUEST_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS);
    expect(statusOf(received())).toBe(408);
  });

  it('should close a kept-alive connection left idle, within the keep-alive timeout', async () => {
    const { socket, received, closed } = await open(stack.baseUrl);
    socket.write(`GET /projects HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ${session.token}\r\n\r\n`);

    const lifetime = await closed;
    expect(statusOf(received())).toBe(200);
    // Node gives an idle kept-alive socket a second more than keepAliveTimeout.
    expect(lifetime).toBeLessThanOrEqual(KEEP_ALIVE_TIMEOUT_MS + 1000 + SLACK_MS);
  });

  it('should serve a slow request that finishes within the bounds, and normal ones all along', async () => {
    const slowLorises = await Promise.all(Array.from({ length: 20 }, () => open(stack.baseUrl)));
    for (const { socket } of slowLorises) {
      socket.write('GET /projects HTTP/1.1\r\nHost: gateway\r\n');
      void trickle(socket, bytes('X-Slow: a'), 100);
    }
    const body = JSON.stringify({ name: `slow-but-legit-${Date.now()}` });
    const { socket, received, closed } = await open(stack.baseUrl);
    socket.write(
      `POST /projects HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ${session.token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`,
    );
    // The body in ten pieces over about 0.5 s: slow, but well within the request timeout.
    const step = Math.ceil(body.length / 10);
    await trickle(
      socket,
      Array.from({ length: 10 }, (_, i) => body.slice(i * step, (i + 1) * step)),
      50,
    );

    const normal = await session.request('GET', '/projects');
    await closed;
    expect(statusOf(received())).toBe(201);
    expect(normal.status).toBe(200);
    await Promise.all(slowLorises.map((loris) => loris.closed));
  });
});
