import fs from 'node:fs';
import path from 'node:path';
// The previous release's BullMQ (5.81.5, with its own ioredis 5): what queued the jobs a
// deployment holds when it is upgraded.
import { Queue as QueueV5 } from 'bullmq-v5';
import { jobName, KEY_PREFIX, specSchema, validateSpec, type JobData } from '@job-runner/jobs';
import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { startTestServer, type TestServer } from '../helpers/test-server';

/**
 * An upgrade in place: jobs queued by the previous release (BullMQ 5) are run by this one
 * (BullMQ 6), with nothing to drain first. The job is written as the previous release's API
 * wrote it: its files in the job's directory, then BullMQ 5's `add` with the same options.
 */
describeDocker('jobs queued by the previous release (BullMQ 5)', () => {
  let api: TestServer;
  let worker: TestServer | undefined;
  let v5: QueueV5;
  beforeAll(async () => {
    // The API alone: nothing takes a job until the new worker starts.
    api = await startTestServer({ INLINE_WORKER: '0' });
    v5 = new QueueV5(api.config.queueName, {
      connection: { url: api.redisUrl, maxRetriesPerRequest: null },
      prefix: KEY_PREFIX,
      defaultJobOptions: {
        attempts: api.config.retry.attempts,
        backoff: { type: 'exponential', delay: api.config.retry.backoffMs },
        removeOnComplete: { age: 86400, count: 100 },
        removeOnFail: { age: 604800, count: 100 },
        keepLogs: 100,
      },
    });
  });
  afterAll(async () => {
    await v5?.close();
    await worker?.close();
    await api?.close();
  });

  /** Queues a job with BullMQ 5, its code file where the previous release put it. */
  const queueWithV5 = async (code: string): Promise<string> => {
    const { config } = api;
    const spec = validateSpec(
      specSchema({
        caps: config.limits,
        runtimes: Object.keys(config.runtimes),
        defaultRuntime: config.defaultRuntime,
      }),
      {},
    );
    const id = crypto.randomUUID();
    const root = path.join(config.jobDataDir, 'jobs', id);
    for (const d of ['code', 'input', 'output'])
      fs.mkdirSync(path.join(root, d), { recursive: true });
    fs.writeFileSync(path.join(root, 'code', 'main.py'), code);
    const data: JobData = {
      spec,
      files: { code: [{ name: 'main.py', size: Buffer.byteLength(code) }], input: [] },
    };
    await v5.add(jobName(spec), data, { jobId: id });
    return id;
  };

  it('runs a job it left waiting, with nothing to drain or migrate first', async () => {
    const id = await queueWithV5('print("queued by BullMQ 5")');
    // The upgrade: the new worker on the same Redis, queue and files.
    worker = await startTestServer({
      QUEUE_NAME: api.config.queueName,
      JOB_DATA_DIR: api.config.jobDataDir,
    });
    const c = new Client(api.url);
    expect(await c.waitEnded(id, 60_000)).toMatchObject({ status: 'succeeded', exit_code: 0 });
    expect(await c.logs(id)).toContain('queued by BullMQ 5');
  });

  it('runs a job queued while the old release had the queue paused, once it is resumed', async () => {
    // BullMQ 5 keeps a paused queue's jobs in a list of their own, which BullMQ 6 has no more.
    await v5.pause();
    const id = await queueWithV5('print("queued while paused")');
    expect(await v5.getJobCounts('paused')).toEqual({ paused: 1 });
    const c = new Client(api.url);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await c.job(id)).status).toBe('queued');
    // The operator resumes the queue, as before the upgrade (Bull Board, or Queue.resume).
    await worker!.jobs.queue.resume();
    expect(await c.waitEnded(id, 60_000)).toMatchObject({ status: 'succeeded', exit_code: 0 });
    expect(await c.logs(id)).toContain('queued while paused');
  });
});
