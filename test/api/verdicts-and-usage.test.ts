import { Client } from '../helpers/client';
import { describeDocker, jobContainers, peakMemoryKnown } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { WorkerProcess } from '../helpers/worker-process';

describeDocker('verdicts, usage and progress', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await startTestServer({ SYNC_GRACE_SEC: '0' });
    client = new Client(server.url);
  });
  afterAll(() => server.close());

  it('reports duration, queue wait, attempts and peak memory of a run', async () => {
    const { job } = await client.run('x = bytearray(64 * 1024 * 1024)\nprint(len(x))');
    expect(job).toMatchObject({ status: 'succeeded', attempts: 1, phase: 'finished' });
    expect(job.duration_ms).toEqual(expect.any(Number));
    expect(job.duration_ms as number).toBeGreaterThan(0);
    expect(job.queue_wait_ms as number).toBeGreaterThanOrEqual(0);
    // cgroup v1 memory.max_usage_in_bytes (or v2 memory.peak): the whole container's
    // high-water mark. A cgroup v2 kernel older than 5.19 has no peak: null is right there.
    if (peakMemoryKnown())
      expect(job.peak_memory_bytes as number).toBeGreaterThan(64 * 1024 * 1024);
    else expect(job.peak_memory_bytes).toBeNull();
    expect(job.cpu_time_ms as number).toBeGreaterThan(0);
  });

  it('tells the kernel’s OOM kill from our own', async () => {
    const { job, logs } = await client.run('x = bytearray(200 * 1024 * 1024)', {
      mem_limit_mb: 64,
    });
    expect(job).toMatchObject({ status: 'failed', error: 'oom', exit_code: 137 });
    expect(logs).toContain('out of memory');
    // The same exit status without the kernel's kill is the program's own business.
    const own = await client.run('import os, signal\nos.kill(os.getpid(), signal.SIGKILL)', {
      mem_limit_mb: 64,
    });
    expect(own.job).toMatchObject({ status: 'failed', error: 'non-zero exit', exit_code: 137 });
  });

  it('answers 504 with the job id past timeout_sec plus grace, and the job goes on to a timeout', async () => {
    const res = await client.sync({
      code: 'import time\ntime.sleep(30)',
      spec: { timeout_sec: 1 },
    });
    expect(res.status).toBe(504);
    const body = res.body as unknown as { job_id: string; status: string; detail: string };
    expect(body.job_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(['queued', 'running']).toContain(body.status);
    const job = await client.waitEnded(body.job_id);
    expect(job).toMatchObject({ status: 'failed', error: 'timeout', exit_code: null });
    expect(await client.logs(body.job_id)).toContain('killed after timeout_sec=1');
  });

  it('does not miss the end of a job that ended before the wait began', async () => {
    const { job } = await client.run('print(1)');
    // Its end is seen at once: no timeout, however long the wait could have been.
    const { ended, view, timedOut } = await server.jobs.waitForEnd(job.id, 600_000);
    expect({ ended, timedOut, status: view.status }).toEqual({
      ended: true,
      timedOut: false,
      status: 'succeeded',
    });
  });

  it('shows the phases of a run in the job view', async () => {
    const id = await client.submit({
      code: 'import time, os\nopen(os.environ["JOB_OUTPUT_DIR"] + "/a.txt", "w").write("a")\nprint("go", flush=True)\ntime.sleep(3)',
    });
    const seen = new Set<string>();
    let job = await client.job(id);
    while (!job.finished_at) {
      seen.add(job.phase as string);
      await new Promise((r) => setTimeout(r, 50));
      job = await client.job(id);
    }
    expect(seen.has('running')).toBe(true);
    for (const p of seen) expect(['queued', 'preparing', 'running', 'collecting']).toContain(p);
    expect(job).toMatchObject({ status: 'succeeded', phase: 'finished', artifacts: ['a.txt'] });
  });

  it('cancels a running job within seconds, removes its sandbox, and answers 409 after', async () => {
    const id = await client.submit({
      code: 'import time\nprint("up", flush=True)\ntime.sleep(60)',
    });
    await eventually('the job runs', async () => (await client.logs(id)).includes('up'));
    const res = await fetch(`${server.url}/jobs/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    const job = await client.waitEnded(id, 30_000);
    expect(job).toMatchObject({ status: 'canceled', error: 'canceled', exit_code: null });
    await eventually('its sandbox is gone', async () => (await jobContainers(id)).length === 0);
    const again = await fetch(`${server.url}/jobs/${id}/cancel`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { detail: string }).detail).toMatch(/already ended/);
    expect(await client.job(id)).toEqual(job);
  });

  it('answers 409 to cancelling a finished job and leaves it as it was', async () => {
    const { job } = await client.run('print(1)');
    const res = await fetch(`${server.url}/jobs/${job.id}/cancel`, { method: 'POST' });
    expect(res.status).toBe(409);
    expect((await client.job(job.id)).status).toBe('succeeded');
  });
});

describeDocker('cancelling a queued job', () => {
  let server: TestServer;
  let client: Client;
  let worker: WorkerProcess | undefined;
  beforeAll(async () => {
    server = await startTestServer({ INLINE_WORKER: '0' });
    client = new Client(server.url);
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await worker?.exited;
    await server.close();
  });

  it('reads canceled at once, with its end time, even with no worker free', async () => {
    const id = await client.submit({ code: 'print(1)' });
    expect(await client.job(id)).toMatchObject({ status: 'queued', phase: 'queued' });
    const res = await fetch(`${server.url}/jobs/${id}/cancel`, { method: 'POST' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string };
    expect(body.status).toBe('canceled');
    const job = await client.job(id);
    expect(job).toMatchObject({ status: 'canceled', error: 'canceled', phase: 'finished' });
    expect(typeof job.finished_at).toBe('string');
    expect((await fetch(`${server.url}/jobs/${id}`, { method: 'DELETE' })).status).toBe(409);

    // The first worker that takes it drops it: the program never runs, no sandbox is made.
    const other = await client.submit({ code: 'print("the next job runs")' });
    worker = await new WorkerProcess(server, { WORKER_CONCURRENCY: '1' }).ready();
    expect(await client.waitEnded(other)).toMatchObject({ status: 'succeeded' });
    const bull = await eventually('the worker dropped it', async () => {
      const j = await server.jobs.queue.getJob(id);
      return j && (await j.getState()) === 'failed' ? j : null;
    });
    expect(bull.failedReason).toBe('canceled');
    expect(await client.logs(id)).toBe('');
    expect(await client.job(id)).toEqual(job);
    expect(worker.output).not.toContain(`"jobId":"${id}","runtime"`);
  });
});
