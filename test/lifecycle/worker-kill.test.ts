import { WORKER_LABEL } from '@job-runner/jobs';
import { Client } from '../helpers/client';
import { expectNoContainerLeft } from '../helpers/attack';
import { containersWithLabel, describeDocker, jobContainers } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { WorkerProcess } from '../helpers/worker-process';

/** Short locks and heartbeats so a dead worker is noticed in seconds, not the default minute. */
const FAST_RECOVERY = {
  INLINE_WORKER: '0',
  LOCK_DURATION_MS: '4000',
  STALLED_INTERVAL_MS: '2000',
  WORKER_HEARTBEAT_SEC: '4',
  REAPER_INTERVAL_SEC: '2',
  WORKER_CONCURRENCY: '1',
};

const SLOW_JOB = (seconds: number) =>
  `import time\nprint("started", flush=True)\ntime.sleep(${seconds})\nprint("done", flush=True)`;

describeDocker('a worker killed with SIGKILL in the middle of a job', () => {
  let server: TestServer;
  let client: Client;
  const workers: WorkerProcess[] = [];
  const spawnWorker = (env: Record<string, string> = {}) => {
    const w = new WorkerProcess(server, { ...FAST_RECOVERY, ...env });
    workers.push(w);
    return w.ready();
  };
  afterEach(async () => {
    for (const w of workers.splice(0)) {
      w.kill('SIGKILL');
      await w.exited;
    }
    await server.close();
  });

  const startOnFirstWorker = async (env: Record<string, string> = {}) => {
    server = await startTestServer({ ...FAST_RECOVERY, ...env });
    client = new Client(server.url);
    const first = await spawnWorker(env);
    const jobId = await client.submit({ code: SLOW_JOB(8), spec: { timeout_sec: 120 } });
    await eventually('the job runs on the first worker', async () =>
      (await client.logs(jobId)).includes('started'),
    );
    // The job's sandbox, on the first worker (beside the ones waiting in its pool).
    const boxes = await jobContainers(jobId);
    expect(boxes).toHaveLength(1);
    expect(await containersWithLabel(WORKER_LABEL, first.id)).toEqual(
      expect.arrayContaining(boxes),
    );
    first.kill('SIGKILL');
    await first.exited;
    return { jobId, first };
  };

  it('reruns the job on another worker and reaps the dead worker’s container', async () => {
    const { jobId, first } = await startOnFirstWorker();
    const t0 = Date.now();
    await spawnWorker();
    const job = await client.waitEnded(jobId, 120_000);
    const logs = await client.logs(jobId);
    console.log(
      `worker-kill: job ${job.status} after ${Date.now() - t0} ms on a second worker, attempts=${String(job.attempts)}`,
    );
    expect(job.status).toBe('succeeded');
    expect(job.attempts).toBeGreaterThanOrEqual(2);
    expect(logs).toContain('rerun from the start');
    expect(logs).toContain('done');
    await eventually(
      'the dead worker’s container is reaped',
      async () => (await containersWithLabel(WORKER_LABEL, first.id)).length === 0,
    );
    await expectNoContainerLeft(jobId);
  });

  it('fails the job with a clear reason once it stalls more than MAX_STALLED_COUNT allows', async () => {
    const { jobId, first } = await startOnFirstWorker({ MAX_STALLED_COUNT: '0' });
    await spawnWorker({ MAX_STALLED_COUNT: '0' });
    const job = await client.waitEnded(jobId, 120_000);
    console.log(`worker-kill with MAX_STALLED_COUNT=0: job ${job.status}: ${String(job.error)}`);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/^platform error: worker lost/);
    await eventually('the log says so and is ended', async () => {
      const sse = await (await fetch(`${server.url}/jobs/${jobId}/logs/stream`)).text();
      return sse.includes('its worker died while running it') && sse.includes('event: end');
    });
    await eventually(
      'the dead worker’s container is reaped',
      async () => (await containersWithLabel(WORKER_LABEL, first.id)).length === 0,
    );
  });

  it('lets the client cancel a job running in another process', async () => {
    server = await startTestServer(FAST_RECOVERY);
    client = new Client(server.url);
    await spawnWorker();
    const jobId = await client.submit({ code: SLOW_JOB(60), spec: { timeout_sec: 120 } });
    await eventually('the job runs', async () => (await client.logs(jobId)).includes('started'));
    const res = await fetch(`${server.url}/jobs/${jobId}/cancel`, { method: 'POST' });
    expect(res.status).toBe(200);
    const job = await client.waitEnded(jobId, 30_000);
    expect(job).toMatchObject({ status: 'canceled', error: 'canceled' });
    await eventually(
      'its container is gone',
      async () => (await jobContainers(jobId)).length === 0,
    );
  });
});
