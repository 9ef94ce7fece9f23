import { OpsListener } from './ops-listener';

describe(OpsListener.name, () => {
  let listener: OpsListener;
  let base: string;

  beforeEach(async () => {
    listener = new OpsListener({
      '/metrics': () => Promise.resolve({ status: 200, contentType: 'text/plain', body: 'up 1\n' }),
      '/health/ready': () => Promise.reject(new Error('probe failed')),
    });
    base = `http://127.0.0.1:${await listener.listen(0, '127.0.0.1')}`;
  });

  afterEach(() => listener.close());

  it('should answer a known GET route with what it gives', async () => {
    const res = await fetch(`${base}/metrics?x=1`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('up 1\n');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('should answer 503, not 500, when a probe throws', async () => {
    expect((await fetch(`${base}/health/ready`)).status).toBe(503);
  });

  it('should answer 404 to other paths and 405 to other methods', async () => {
    expect((await fetch(`${base}/constructor`)).status).toBe(404);
    expect((await fetch(`${base}/__proto__`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('should refuse to start on a port that is taken', async () => {
    const port = Number(new URL(base).port);
    await expect(new OpsListener({}).listen(port, '127.0.0.1')).rejects.toThrow(/EADDRINUSE/);
  });
});
