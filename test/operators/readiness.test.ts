import { describeDocker } from '../helpers/docker';
import { eventually, freePort, OwnRedis } from '../helpers/operator';
import { startTestServer, type TestServer } from '../helpers/test-server';

interface ReadyBody {
  status: string;
  detail?: string;
  checks: Record<string, { ok: boolean; detail?: string; skipped?: boolean }>;
}

const ready = async (server: TestServer) => {
  const res = await fetch(`${server.url}/readyz`);
  return { status: res.status, body: (await res.json()) as ReadyBody };
};

describe('readiness when Redis goes away and comes back', () => {
  let redis: OwnRedis;
  let server: TestServer;
  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    server = await startTestServer({ REDIS_URL: redis.url, INLINE_WORKER: '0' });
  });
  afterAll(async () => {
    await redis.start(); // no-op when running: the server's connections then close cleanly
    await server.close();
    await redis.dispose();
  });

  it('is ready, fails while Redis is stopped, and recovers when it returns', async () => {
    expect(await ready(server)).toMatchObject({
      status: 200,
      body: { status: 'ready', checks: { redis: { ok: true }, docker: { skipped: true } } },
    });

    await redis.stop();
    const down = await eventually(async () => {
      const r = await ready(server);
      return r.status === 503 ? r : undefined;
    }, 'readyz to fail');
    expect(down.body.status).toBe('not ready');
    expect(down.body.checks.redis!.ok).toBe(false);
    expect(down.body.detail).toMatch(/^not ready: redis: /);
    // The process is alive and its other operator routes still answer.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);

    await redis.start();
    const up = await eventually(async () => {
      const r = await ready(server);
      return r.status === 200 ? r : undefined;
    }, 'readyz to recover');
    expect(up.body.checks.redis!.ok).toBe(true);
  });
});

describeDocker('readiness of a process that runs sandboxes', () => {
  let server: TestServer;
  afterEach(() => server?.close());

  it('checks the engine and every runtime image, and names a missing one', async () => {
    server = await startTestServer({ RUNTIMES: 'ghost=job-runner-no-such-image:never' });
    const r = await ready(server);
    expect(r.status).toBe(503);
    expect(r.body.checks).toMatchObject({
      redis: { ok: true },
      docker: { ok: true },
      image: { ok: false, detail: 'missing image(s): job-runner-no-such-image:never' },
    });
  });

  it('fails when the Docker engine does not answer', async () => {
    server = await startTestServer({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    const r = await ready(server);
    expect(r.status).toBe(503);
    expect(r.body.checks.docker!.ok).toBe(false);
    expect(r.body.checks.image!.ok).toBe(false);
  });

  it('is ready with the engine and the default image present', async () => {
    server = await startTestServer();
    expect(await ready(server)).toMatchObject({
      status: 200,
      body: { checks: { redis: { ok: true }, docker: { ok: true }, image: { ok: true } } },
    });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
