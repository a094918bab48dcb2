import { SANDBOX_LABEL } from '@job-runner/sandbox';
import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { SecondEngine } from '../helpers/second-engine';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { WorkerProcess } from '../helpers/worker-process';

const JOB = 'import time\nprint("started", flush=True)\ntime.sleep(4)\nprint("done", flush=True)';

/**
 * The Docker engine restarting under a worker (the machine's own engine is never touched: the
 * worker runs on an engine the test started). Running jobs are interrupted by it: none may fail
 * for it, none may spend its platform retries on it, and nothing may be left on the engine.
 */
describeDocker('the Docker engine restarting under running jobs', () => {
  const engine = new SecondEngine();
  let server: TestServer;
  let worker: WorkerProcess;
  beforeAll(async () => {
    await engine.start();
    engine.loadImage();
    server = await startTestServer({ INLINE_WORKER: '0' });
    worker = await new WorkerProcess(server, {
      DOCKER_HOST: engine.host,
      WORKER_CONCURRENCY: '3',
      SANDBOX_POOL_SIZE: '2',
      JOB_ATTEMPTS: '2',
    }).ready();
  }, 180_000);
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await worker?.exited;
    await server?.close();
    await engine.dispose();
  });

  it('hands the interrupted jobs back, waits for the engine, then runs them all', async () => {
    const client = new Client(server.url);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++)
      ids.push(await client.submit({ code: JOB, spec: { timeout_sec: 60 } }));
    await eventually('three jobs run', async () => {
      const logs = await Promise.all(ids.map((id) => client.logs(id)));
      return logs.filter((l) => l.includes('started')).length >= 3;
    });
    // An outage of about eight seconds (the case that failed every job).
    await engine.stop();
    await new Promise((r) => setTimeout(r, 8000));
    await engine.start();
    const jobs = await Promise.all(ids.map((id) => client.waitEnded(id, 180_000)));
    for (const job of jobs) expect([job.id, job.status]).toEqual([job.id, 'succeeded']);
    // No platform retry was spent on the outage: BullMQ counted one try per job.
    for (const id of ids) expect((await server.jobs.queue.getJob(id))!.attemptsMade).toBe(1);
    expect(worker.output).toContain('the Docker engine does not answer: taking no job');
    expect(worker.output).toContain('the Docker engine answers again: taking jobs');
    // Nothing of the interrupted runs is left: only the rebuilt pool, running.
    await eventually(
      'only the pool is left',
      () =>
        Promise.resolve(
          engine.containers(`${SANDBOX_LABEL}=job`).length === 0 &&
            engine.containers(`${SANDBOX_LABEL}=pool`).length === 2,
        ),
      30_000,
    );
  }, 300_000);
});
