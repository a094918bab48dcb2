import { QueueEvents } from 'bullmq';
import { KEY_PREFIX } from '@job-runner/jobs';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { startTestServer, type TestServer } from '../helpers/test-server';

describeDocker('retention', () => {
  let server: TestServer;
  let client: Client;
  let redis: Redis;
  beforeAll(async () => {
    server = await startTestServer({
      // Long enough for every poll to see its job end, short enough for a quick test.
      KEEP_COMPLETED_SEC: '3',
      KEEP_FAILED_SEC: '3',
      JANITOR_INTERVAL_SEC: '1',
    });
    client = new Client(server.url);
    redis = new Redis(server.redisUrl);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.close();
  });

  const queueKeys = async () => (await redis.keys(`bull:${server.config.queueName}:*`)).sort();
  /** Entries under jobs/; a walk that meets a directory being removed (ENOENT) is done again. */
  const filesOnDisk = (): number => {
    for (;;) {
      try {
        return fs.readdirSync(path.join(server.dataDir, 'jobs'), { recursive: true }).length;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  };

  const program = (i: number) => `
import os, sys
open(os.path.join(os.environ["JOB_OUTPUT_DIR"], "out.txt"), "w").write("${i}" * 1000)
print("job ${i}")
sys.exit(${i % 3 === 0 ? 1 : 0})
`;

  it('removes finished jobs, their logs, inputs and artifacts: Redis and disk return to baseline', async () => {
    // One job first, so BullMQ's own per-queue keys (events stream, meta) exist in the baseline.
    const warm = await client.submit({ code: program(1) });
    await client.waitEnded(warm);
    const gone = async (ids: string[]) => {
      const keys = await queueKeys();
      const stray = keys.filter((k) => ids.some((id) => k.includes(id)));
      return stray.length === 0 && filesOnDisk() === 0 ? keys : null;
    };
    const baseline = await eventually('the warm-up job is swept', () => gone([warm]), 60_000);

    // The highest counts seen while the jobs run (retention already sweeps the early ones).
    let peakKeys = 0;
    let peakFiles = 0;
    const sampler = setInterval(() => {
      void queueKeys().then((k) => (peakKeys = Math.max(peakKeys, k.length)));
      peakFiles = Math.max(peakFiles, filesOnDisk());
    }, 100);
    // How each job ended, from BullMQ's event stream: a job may be removed (3 s after its end)
    // before a poll of it would have seen the end.
    const connection = new Redis(server.redisUrl, { maxRetriesPerRequest: null });
    const events = new QueueEvents(server.config.queueName, { connection, prefix: KEY_PREFIX });
    await events.waitUntilReady();
    const ends = new Map<string, string>();
    events.on('completed', ({ jobId }) => ends.set(jobId, 'completed'));
    events.on('failed', ({ jobId }) => ends.set(jobId, 'failed'));
    const ids: string[] = [];
    for (let i = 0; i < 20; i++)
      ids.push(
        await client.submit({ code: program(i), input_files: { 'in.txt': 'x'.repeat(500) } }),
      );
    await eventually(
      'every job ended',
      () => Promise.resolve(ids.every((id) => ends.has(id))),
      180_000,
    );
    await events.close();
    connection.disconnect();
    expect(ids.filter((id) => ends.get(id) === 'failed')).toHaveLength(7);

    const after = await eventually('every job and what it left is swept', () => gone(ids), 90_000);
    clearInterval(sampler);
    console.log(
      `retention: Redis keys of the queue ${baseline.length} before, ${peakKeys} after 20 jobs, ` +
        `${after.length} once swept; files and dirs under jobs/ 0 before, ${peakFiles} after, ` +
        `${filesOnDisk()} once swept (baseline keys: ${baseline.join(', ')})`,
    );
    expect(after.length).toBeLessThanOrEqual(baseline.length);
    for (const id of ids) {
      expect((await fetch(`${server.url}/jobs/${id}`)).status).toBe(404);
    }
  });
});

describeDocker('retention by count', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await startTestServer({
      KEEP_COMPLETED_COUNT: '2',
      KEEP_FAILED_COUNT: '1',
      JANITOR_INTERVAL_SEC: '1',
      WORKER_CONCURRENCY: '1',
    });
    client = new Client(server.url);
  });
  afterAll(() => server.close());

  it('keeps only the newest succeeded and failed jobs, and sweeps the files of the others', async () => {
    const ok: string[] = [];
    const bad: string[] = [];
    for (let i = 0; i < 4; i++) ok.push((await client.run(`print(${i})`)).job.id);
    for (let i = 0; i < 3; i++) bad.push((await client.run(`raise SystemExit(${i + 1})`)).job.id);
    const status = async (id: string) => (await fetch(`${server.url}/jobs/${id}`)).status;
    await eventually('only the newest are kept', async () => {
      const kept = await Promise.all([...ok, ...bad].map(status));
      return kept.join() === [404, 404, 200, 200, 404, 404, 200].join();
    });
    await eventually('the files of the removed ones are swept', () =>
      Promise.resolve(
        fs.readdirSync(path.join(server.dataDir, 'jobs')).sort().join() ===
          [ok[2], ok[3], bad[2]].sort().join(),
      ),
    );
  });
});
