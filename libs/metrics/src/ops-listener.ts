import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OpsAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** GET routes by exact path; anything else is 404 (or 405 for another method on a known path). */
export type OpsRoutes = Record<string, () => Promise<OpsAnswer>>;

/**
 * A small HTTP listener for scrapes and probes, on a port of its own: the worker has no HTTP server,
 * and the gateway may keep /metrics off its public port. Node's own http: a handful of fixed GET
 * routes needs no framework, and the worker must not pull one in.
 */
export class OpsListener {
  private readonly server: Server;

  constructor(private readonly routes: OpsRoutes) {
    this.server = createServer((req, res) => void this.answer(req, res));
    // Probes are short: a connection that idles or trickles is not kept.
    this.server.headersTimeout = 5_000;
    this.server.requestTimeout = 10_000;
    this.server.keepAliveTimeout = 5_000;
  }

  /** Resolves with the port it listens on (the one chosen when `port` is 0). */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const route = Object.hasOwn(this.routes, path) ? this.routes[path] : undefined;
    let answer: OpsAnswer;
    if (!route) answer = plain(404, 'Not Found');
    else if (req.method !== 'GET' && req.method !== 'HEAD') answer = plain(405, 'Method Not Allowed');
    else {
      try {
        answer = await route();
      } catch {
        // A probe that throws is a probe that failed: not ready, never a 500.
        answer = plain(503, 'Service Unavailable');
      }
    }
    res.writeHead(answer.status, { 'content-type': answer.contentType, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  }
}

function plain(status: number, body: string): OpsAnswer {
  return { status, contentType: 'text/plain; charset=utf-8', body };
}
