import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { sample } from '../helpers/operator';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { WorkerProcess } from '../helpers/worker-process';

describeDocker('/metrics', () => {
  let server: TestServer;
  let client: Client;
  const scrape = async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  };
  beforeAll(async () => {
    server = await startTestServer();
    client = new Client(server.url);
  });
  afterAll(() => server.close());

  it('serves the default process metrics', async () => {
    const text = await scrape();
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
  });

  it('counts ended jobs by status and verdict, with wait and run histograms', async () => {
    const before = await scrape();
    const ok = (t: string) =>
      sample(t, 'job_runner_jobs_ended_total', { status: 'succeeded', verdict: 'succeeded' });
    const exit = (t: string) =>
      sample(t, 'job_runner_jobs_ended_total', { status: 'failed', verdict: 'non-zero exit' });
    const runs = (t: string) =>
      sample(t, 'job_runner_job_run_duration_seconds_count', { status: 'succeeded' });
    const waits = (t: string) => sample(t, 'job_runner_job_queue_wait_seconds_count');

    await client.run('print("ok")');
    await client.run('print("ok again")');
    await client.run('import sys\nsys.exit(2)');

    const after = await eventually('the job-end counters to move', async () => {
      const t = await scrape();
      return ok(t) - ok(before) === 2 && exit(t) - exit(before) === 1 ? t : undefined;
    });
    expect(runs(after) - runs(before)).toBe(2);
    expect(waits(after) - waits(before)).toBe(3);
    expect(sample(after, 'job_runner_queue_jobs', { state: 'completed' })).toBeGreaterThanOrEqual(
      2,
    );
    expect(sample(after, 'job_runner_queue_jobs', { state: 'failed' })).toBeGreaterThanOrEqual(1);
    expect(
      sample(after, 'job_runner_http_requests_total', {
        method: 'POST',
        route: '/jobs/sync',
        status: '200',
      }) -
        sample(before, 'job_runner_http_requests_total', {
          method: 'POST',
          route: '/jobs/sync',
          status: '200',
        }),
    ).toBe(3);
  });

  it("shows the live workers and each one's pool: ready sandboxes, hits and misses", async () => {
    // The figures travel in the workers' heartbeats: a short one, so the scrape sees them soon.
    const own = await startTestServer({ WORKER_HEARTBEAT_SEC: '1', SANDBOX_POOL_SIZE: '1' });
    try {
      const ownClient = new Client(own.url);
      const get = async () => (await fetch(`${own.url}/metrics`)).text();
      const workerOf = (t: string) =>
        /^job_runner_sandbox_pool_ready\{worker="([^"]+)"\} 1$/m.exec(t)?.[1];
      // The pool filled: one sandbox ready before any job.
      const full = await eventually('a full pool in /metrics', async () => {
        const t = await get();
        return workerOf(t) ? t : undefined;
      });
      const worker = workerOf(full)!;
      expect(sample(full, 'job_runner_workers_alive', { engine: 'up' })).toBe(1);
      expect(sample(full, 'job_runner_workers_alive', { engine: 'down' })).toBe(0);
      expect(sample(full, 'job_runner_sandbox_pool_takes', { worker, result: 'hit' })).toBe(0);
      // One job takes the ready sandbox (a hit); then two at once, warm or cold as they find it.
      expect((await ownClient.run('print(1)')).job.sandbox).toBe('warm');
      await eventually('the pool refilled', async () => workerOf(await get()) === worker);
      const pair = await Promise.all([ownClient.run('print(2)'), ownClient.run('print(3)')]);
      const cold = pair.filter((r) => r.job.sandbox === 'cold').length;
      const after = await eventually('three takes counted', async () => {
        const t = await get();
        const hits = sample(t, 'job_runner_sandbox_pool_takes', { worker, result: 'hit' });
        const misses = sample(t, 'job_runner_sandbox_pool_takes', { worker, result: 'miss' });
        return hits + misses === 3 ? { hits, misses } : undefined;
      });
      // Each job's own view and the counters agree, job for job.
      expect(after).toEqual({ hits: 3 - cold, misses: cold });
    } finally {
      await own.close();
    }
  });

  it('labels requests by route pattern, not by path', async () => {
    await fetch(`${server.url}/jobs/00000000-0000-4000-8000-00000000dead`);
    await fetch(`${server.url}/jobs/not-a-real-id`);
    const text = await scrape();
    expect(
      sample(text, 'job_runner_http_requests_total', {
        method: 'GET',
        route: '/jobs/:id',
        status: '404',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('not-a-real-id');
    expect(text).not.toContain('00000000dead');
  });

  it('labels the playground and its assets as routes, not as unmatched', async () => {
    const route = (t: string, r: string) =>
      sample(t, 'job_runner_http_requests_total', { method: 'GET', route: r, status: '200' });
    const before = await scrape();
    for (const asset of ['/', '/playground/app.js', '/playground/ace/ace.js']) {
      const res = await fetch(`${server.url}${asset}`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    // Counted when each response closes, a moment after the client has read it.
    const after = await eventually('the three requests to be counted', async () => {
      const t = await scrape();
      return route(t, '/playground/*') - route(before, '/playground/*') >= 2 && t;
    });
    expect(route(after, '/') - route(before, '/')).toBe(1);
    expect(route(after, '/playground/*') - route(before, '/playground/*')).toBe(2);
    expect(after).not.toContain('/playground/app.js');
  });

  it('shows a running sandbox while a job runs, and none after it is canceled', async () => {
    const id = await client.submit({ code: 'import time\ntime.sleep(60)' });
    await client.waitStatus(id, 'running');
    const busy = await scrape();
    expect(sample(busy, 'job_runner_sandboxes_running')).toBe(1);
    expect(sample(busy, 'job_runner_queue_jobs', { state: 'active' })).toBe(1);
    const res = await fetch(`${server.url}/jobs/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    await client.waitEnded(id);
    const canceled = (t: string) =>
      sample(t, 'job_runner_jobs_ended_total', { status: 'canceled', verdict: 'canceled' });
    // The end is counted from BullMQ's event stream, a moment after the job reads canceled.
    const idle = await eventually('the cancel to be counted', async () => {
      const t = await scrape();
      return canceled(t) === canceled(busy) + 1 ? t : undefined;
    });
    expect(sample(idle, 'job_runner_sandboxes_running')).toBe(0);
  });
});

describeDocker('/metrics with workers in processes of their own', () => {
  let server: TestServer;
  let worker: WorkerProcess;
  beforeAll(async () => {
    server = await startTestServer({ INLINE_WORKER: '0' });
    worker = await new WorkerProcess(server).ready();
  });
  afterAll(async () => {
    worker.kill('SIGKILL');
    await worker.exited;
    await server.close();
  });

  it('counts the jobs those workers ended, from BullMQ’s event stream', async () => {
    const scrape = async () => (await fetch(`${server.url}/metrics`)).text();
    const ended = (t: string, status: string, verdict: string) =>
      sample(t, 'job_runner_jobs_ended_total', { status, verdict });
    const client = new Client(server.url);
    await client.run('print("ok")');
    await client.run('raise SystemExit(4)');
    await eventually('both ends counted', async () => {
      const t = await scrape();
      return ended(t, 'succeeded', 'succeeded') === 1 && ended(t, 'failed', 'non-zero exit') === 1;
    });
  });
});
