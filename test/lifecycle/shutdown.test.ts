import { WORKER_LABEL } from '@job-runner/jobs';
import { Client } from '../helpers/client';
import { containersWithLabel, describeDocker } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { WorkerProcess } from '../helpers/worker-process';

const code = (seconds: number) =>
  `import time\nprint("started", flush=True)\ntime.sleep(${seconds})\nprint("done", flush=True)`;

describeDocker('SIGTERM to a worker', () => {
  let server: TestServer;
  let client: Client;
  const workers: WorkerProcess[] = [];
  const spawnWorker = (env: Record<string, string>) => {
    const w = new WorkerProcess(server, { WORKER_CONCURRENCY: '1', ...env });
    workers.push(w);
    return w.ready();
  };
  beforeEach(async () => {
    server = await startTestServer({ INLINE_WORKER: '0' });
    client = new Client(server.url);
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) {
      w.kill('SIGKILL');
      await w.exited;
    }
    await server.close();
  });

  it('lets a running job finish within the grace period, takes no new job, exits 0', async () => {
    const w = await spawnWorker({ SHUTDOWN_GRACE_SEC: '120' });
    const first = await client.submit({ code: code(3) });
    await eventually('the job runs', async () => (await client.logs(first)).includes('started'));
    w.kill('SIGTERM');
    await eventually('the worker has stopped taking jobs', () =>
      Promise.resolve(w.output.includes('SIGTERM')),
    );
    const second = await client.submit({ code: code(0) });
    expect(await w.exited).toEqual({ code: 0, signal: null });
    expect(await client.waitEnded(first)).toMatchObject({ status: 'succeeded' });
    expect((await client.job(second)).status).toBe('queued');
  });

  it('past the grace period kills the sandbox and hands the job back for a rerun', async () => {
    const w = await spawnWorker({ SHUTDOWN_GRACE_SEC: '1' });
    const jobId = await client.submit({ code: code(6), spec: { timeout_sec: 120 } });
    await eventually('the job runs', async () => (await client.logs(jobId)).includes('started'));
    w.kill('SIGTERM');
    expect(await w.exited).toEqual({ code: 0, signal: null });
    const back = await client.job(jobId);
    expect(back).toMatchObject({ status: 'queued', phase: 'queued', finished_at: null });
    expect(await containersWithLabel(WORKER_LABEL, w.id)).toEqual([]);
    expect(await client.logs(jobId)).toContain('handed back for a rerun');

    await spawnWorker({ SHUTDOWN_GRACE_SEC: '1' });
    const job = await client.waitEnded(jobId, 90_000);
    expect(job.status).toBe('succeeded');
    expect(job.attempts).toBe(2);
    expect(await client.logs(jobId)).toContain('rerun from the start');
    // The hand-back did not use up an attempt meant for platform failures: BullMQ counts one
    // try (the run that finished), though the job was started twice.
    const bull = (await server.jobs.queue.getJob(jobId))!;
    expect({ made: bull.attemptsMade, started: bull.attemptsStarted }).toEqual({
      made: 1,
      started: 2,
    });
  });
});
