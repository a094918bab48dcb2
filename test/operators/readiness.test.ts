import { describeDocker } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { freePort, OwnRedis } from '../helpers/operator';
import { TempImage } from '../helpers/temp-image';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { WorkerProcess } from '../helpers/worker-process';

interface ReadyBody {
  status: string;
  detail?: string;
  checks: Record<string, { ok: boolean; detail?: string; skipped?: boolean; alive?: number }>;
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
    const down = await eventually('readyz to fail', async () => {
      const r = await ready(server);
      return r.status === 503 ? r : undefined;
    });
    expect(down.body.status).toBe('not ready');
    expect(down.body.checks.redis.ok).toBe(false);
    expect(down.body.detail).toMatch(/^not ready: redis: /);
    // The process is alive and its other operator routes still answer.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);

    await redis.start();
    const up = await eventually('readyz to recover', async () => {
      const r = await ready(server);
      return r.status === 200 ? r : undefined;
    });
    expect(up.body.checks.redis.ok).toBe(true);
  });
});

describeDocker('readiness of a process that runs sandboxes', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('checks the engine and every runtime image, and names one that went missing', async () => {
    const image = new TempImage();
    try {
      server = await startTestServer({ RUNTIMES: `ghost=${image.name}` });
      expect((await ready(server)).status).toBe(200);
      image.remove();
      const r = await ready(server);
      expect(r.status).toBe(503);
      expect(r.body.checks).toMatchObject({
        redis: { ok: true },
        docker: { ok: true },
        image: { ok: false, detail: expect.stringContaining(`missing image(s): ${image.name}`) },
      });
    } finally {
      image.dispose();
    }
  });

  it('refuses to start an inline worker whose Docker engine does not answer, naming it', async () => {
    await expect(
      startTestServer({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' }),
    ).rejects.toThrow(/sandboxes cannot run here: docker: Docker engine unreachable \(ENOENT\)/);
  });

  it('refuses to start an inline worker whose runtime image is missing, naming it', async () => {
    await expect(
      startTestServer({ RUNTIMES: 'ghost=job-runner-no-such-image:never' }),
    ).rejects.toThrow(/image: missing image\(s\): job-runner-no-such-image:never/);
  });

  it('refuses to start an inline worker with a SANDBOX_RUNTIME the engine lacks', async () => {
    await expect(startTestServer({ SANDBOX_RUNTIME: 'no-such-runtime' })).rejects.toThrow(
      /runtime: sandbox runtime no-such-runtime is not known to the Docker engine/,
    );
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

describeDocker('live workers, in /readyz and in the answer to a submission', () => {
  let server: TestServer;
  let worker: WorkerProcess | undefined;
  beforeAll(async () => {
    server = await startTestServer({ INLINE_WORKER: '0' });
  });
  afterAll(async () => {
    worker?.kill('SIGTERM');
    await worker?.exited;
    await server.close();
  });

  const submit = async () => {
    const res = await fetch(`${server.url}/jobs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: 'print(1)' }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { job_id: string; status: string; warning?: string };
  };

  it('says no worker takes jobs until one starts, then says nothing', async () => {
    const before = await ready(server);
    // The API alone still takes jobs (they wait), so it stays ready, but it says why they wait.
    expect(before.status).toBe(200);
    expect(before.body.checks.workers).toEqual({
      ok: true,
      alive: 0,
      detail: expect.stringMatching(/no worker has ever taken jobs from this queue/),
    });
    const waiting = await submit();
    expect(waiting).toMatchObject({
      status: 'queued',
      warning: expect.stringMatching(/no worker has ever taken jobs/),
    });

    worker = await new WorkerProcess(server).ready();
    const after = await ready(server);
    expect(after.body.checks.workers).toEqual({ ok: true, alive: 1 });
    const taken = await submit();
    expect(taken.warning).toBeUndefined();
    // The job that waited runs now that a worker is here.
    await eventually('the waiting job to end', async () => {
      const job = (await (await fetch(`${server.url}/jobs/${waiting.job_id}`)).json()) as {
        status: string;
      };
      return job.status === 'succeeded' ? job : undefined;
    });
  });
});
