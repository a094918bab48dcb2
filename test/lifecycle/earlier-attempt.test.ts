import { WORKER_LABEL } from '@job-runner/jobs';
import { dockerClient } from '@job-runner/sandbox';
import { Client } from '../helpers/client';
import { containersWithLabel, describeDocker, jobContainers } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { WorkerProcess } from '../helpers/worker-process';

/**
 * The stalled job is handed to another worker within seconds (short lock, frequent stalled
 * check), while the dead worker is noticed only after minutes (long heartbeat, rare reaper):
 * the window in which a first attempt's sandbox could still run beside its rerun.
 */
const SLOW_REAPER = {
  INLINE_WORKER: '0',
  LOCK_DURATION_MS: '4000',
  STALLED_INTERVAL_MS: '2000',
  WORKER_HEARTBEAT_SEC: '120',
  REAPER_INTERVAL_SEC: '600',
  WORKER_CONCURRENCY: '1',
};

const LONG_JOB = 'import time\nprint("started", flush=True)\ntime.sleep(120)\nprint("done")';

describeDocker('a rerun after its worker was SIGKILLed', () => {
  let server: TestServer;
  const workers: WorkerProcess[] = [];
  afterEach(async () => {
    for (const w of workers.splice(0)) {
      w.kill('SIGKILL');
      await w.exited;
      // The reaper would take a dead worker's pool only minutes from now: the test cleans up.
      for (const id of await containersWithLabel(WORKER_LABEL, w.id).catch(() => []))
        await dockerClient()
          .getContainer(id)
          .remove({ force: true })
          .catch(() => undefined);
    }
    await server.close();
  });

  it('removes every sandbox of the earlier attempt before the rerun starts', async () => {
    server = await startTestServer(SLOW_REAPER);
    const client = new Client(server.url);
    const first = await new WorkerProcess(server, SLOW_REAPER).ready();
    workers.push(first);
    const jobId = await client.submit({ code: LONG_JOB, spec: { timeout_sec: 300 } });
    await eventually('the first attempt runs', async () =>
      (await client.logs(jobId)).includes('started'),
    );
    const [firstBox] = await jobContainers(jobId);
    expect(firstBox).toBeDefined();
    first.kill('SIGKILL');
    await first.exited;
    // Its program goes on: nothing has noticed the worker's death yet.
    expect((await dockerClient().getContainer(firstBox).inspect()).State.Running).toBe(true);

    const second = await new WorkerProcess(server, SLOW_REAPER).ready();
    workers.push(second);
    await eventually(
      'the rerun’s program has started',
      async () => (await client.logs(jobId)).split('started').length === 3,
      60_000,
      50,
    );
    // The moment the rerun runs, its sandbox is the only one of the job.
    const boxes = await jobContainers(jobId);
    expect(boxes).toHaveLength(1);
    expect(boxes).not.toContain(firstBox);
    const gone = await dockerClient()
      .getContainer(firstBox)
      .inspect()
      .then(
        () => false,
        (err: { statusCode?: number }) => err.statusCode === 404,
      );
    expect(gone).toBe(true);
    expect(await client.logs(jobId)).toContain('a sandbox of an earlier attempt was still there');
    expect((await client.job(jobId)).attempts).toBe(2);

    expect((await fetch(`${server.url}/jobs/${jobId}/cancel`, { method: 'POST' })).status).toBe(
      200,
    );
    await client.waitEnded(jobId, 30_000);
  });
});
