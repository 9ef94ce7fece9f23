// /docs and /docs-json are open to anyone, without a token: what they serve must be the API's
// description and Swagger UI's files, nothing of the gateway's configuration or file system.
import fc from 'fast-check';
import { request as httpRequest } from 'node:http';
import { useStack } from '../support/stack';

const RUNS = 120;

/** A GET with the path sent byte for byte as given (fetch would resolve `..` before sending). */
function rawGet(baseUrl: string, path: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the public API documentation', () => {
  const stack = useStack({ worker: false });

  it('should serve Swagger UI’s files and nothing above them, however the way up is spelled', async () => {
    // The static root does serve files (so the refusals below are not just a missing route).
    const css = await rawGet(stack.baseUrl, '/docs/swagger-ui.css');
    expect(css.status).toBe(200);
    expect(css.text).toContain('.swagger-ui');

    const up = fc.constantFrom('..', '%2e%2e', '%2E%2E', '.%2e', '%2e.', '%252e%252e', '....');
    const slash = fc.constantFrom('/', '%2f', '%2F', '%5c', '%5C', '\\', '//', '%252f');
    const target = fc.constantFrom(
      'package.json',
      'tsconfig.json',
      '.env',
      'etc/passwd',
      'apps/gateway/src/main.ts',
    );
    const path = fc
      .tuple(fc.array(fc.tuple(up, slash), { minLength: 1, maxLength: 8 }), target)
      .map(([steps, file]) => `/docs/${steps.map(([u, s]) => `${u}${s}`).join('')}${file}`);
    await fc.assert(
      fc.asyncProperty(path, async (attempt) => {
        const response = await rawGet(stack.baseUrl, attempt);
        expect({ attempt, status: response.status }).toEqual({ attempt, status: expect.any(Number) });
        expect([400, 403, 404]).toContain(response.status);
        expect(response.text).not.toMatch(/"name":\s*"tenantry"|compilerOptions|root:|bootstrap\(/);
      }),
      { numRuns: RUNS },
    );
  });

  it('should disclose no secret or connection string of the gateway', async () => {
    const env = process.env;
    const secrets = [
      env.JWT_SECRET,
      env.MESSAGE_SIGNING_KEY,
      env.AMQP_URL,
      env.DATABASE_URL,
      env.DATABASE_ADMIN_URL,
    ]
      .filter((value): value is string => typeof value === 'string' && value.length > 0)
      .flatMap((value) => [value, encodeURIComponent(value)]);
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    for (const path of ['/docs', '/docs-json', '/docs/swagger-ui-init.js']) {
      const response = await rawGet(stack.baseUrl, path);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      for (const secret of secrets) expect(response.text).not.toContain(secret);
      // No server address either: the document is valid wherever the gateway is reached from.
      expect(response.text).not.toMatch(/amqps?:\/\/|postgres(ql)?:\/\//);
    }
  });
});
