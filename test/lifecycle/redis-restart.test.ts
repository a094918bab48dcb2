import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { freePort, OwnRedis } from '../helpers/operator';
import { startTestServer, type TestServer } from '../helpers/test-server';

/**
 * Redis killed (SIGKILL) while a job runs and another waits, then started again from its
 * append-only file: the running job ends with all its output, the waiting one runs, nothing
 * is lost; submissions meanwhile are refused with a 503 that says why, never half-queued.
 */
describeDocker('a Redis SIGKILL and restart in the middle of jobs', () => {
  let redis: OwnRedis;
  let server: TestServer;
  beforeAll(async () => {
    redis = new OwnRedis(await freePort(), '127.0.0.1', true);
    await redis.start();
    server = await startTestServer({ REDIS_URL: redis.url, WORKER_CONCURRENCY: '1' });
  });
  afterAll(async () => {
    await redis.start();
    await server?.close();
    await redis.dispose();
  });

  it('loses nothing: the running job finishes whole, the queued one runs after', async () => {
    const c = new Client(server.url);
    const running = await c.submit({
      code: 'import time\nfor i in range(8):\n    print("line", i, flush=True)\n    time.sleep(0.5)\nprint("done")',
    });
    await eventually('the first job runs', async () => (await c.logs(running)).includes('line 1'));
    const queued = await c.submit({ code: 'print("queued before the outage")' });

    await redis.stop();
    // While Redis is away a submission is refused, saying why, and nothing is queued.
    const refused = await c.post('/jobs', { code: 'print(1)' });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      detail: expect.stringMatching(/Redis/),
    });
    await new Promise((r) => setTimeout(r, 2000));
    await redis.start();

    const first = await c.waitEnded(running, 90_000);
    expect(first).toMatchObject({ status: 'succeeded', exit_code: 0 });
    const logs = await c.logs(running);
    for (let i = 0; i < 8; i++) expect(logs).toContain(`line ${i}\n`);
    expect(logs).toContain('done');
    expect(await c.waitEnded(queued, 60_000)).toMatchObject({ status: 'succeeded' });
    expect(await c.logs(queued)).toContain('queued before the outage');
    // And the platform takes new work as before.
    expect((await c.run('print(2)')).job).toMatchObject({ status: 'succeeded' });
  });
});
