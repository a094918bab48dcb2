import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Cluster, Redis } from 'ioredis';
import { loadConfig } from '@job-runner/config';
import {
  CLUSTER_KEY_PREFIX,
  keyBase,
  keyPrefix,
  LogStore,
  redisAnswers,
  scanKeys,
  waitForRedis,
} from '@job-runner/jobs';
import { createLogger } from '@job-runner/logger';
import { resolveRedis } from '../../apps/api/src/bootstrap/resolve-redis';
// Not part of the package's surface: the follower is JobService's own.
import { LogFollower } from '../../packages/jobs/src/logs/log-follower';
import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { freePort } from '../helpers/free-port';
import { basic, sample } from '../helpers/operator';
import { RedisCluster } from '../helpers/redis-cluster';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { AppProcess, WorkerProcess } from '../helpers/worker-process';

const API_KEY = 'cluster-test-key-0123456789';

/** The data lines and the last event of an SSE log stream. */
function sseLines(text: string): { lines: string[]; last: string | undefined } {
  const lines: string[] = [];
  let last: string | undefined;
  for (const block of text.split('\n\n')) {
    const event = /^event: (.*)$/m.exec(block)?.[1];
    const data = /^data: ?(.*)$/m.exec(block)?.[1];
    if (event) last = event;
    else if (data !== undefined) lines.push(data);
  }
  return { lines, last };
}

describeDocker('the platform on a Redis Cluster (REDIS_CLUSTER_NODES)', () => {
  const cluster = new RedisCluster();
  let server: TestServer;
  let client: Client;
  /** The test's own view of the cluster. */
  let redis: Cluster;
  let receiver: http.Server;
  const callbacks: string[] = [];

  beforeAll(async () => {
    await cluster.start();
    receiver = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        callbacks.push(req.headers['x-job-runner-job-id'] as string);
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const receiverPort = (receiver.address() as AddressInfo).port;
    server = await startTestServer({
      REDIS_CLUSTER_NODES: cluster.nodes,
      // Every Redis use of the platform: rate limits and callbacks included.
      API_KEYS: API_KEY,
      CALLBACK_SECRET: 'cluster-callback-secret-0123456789',
      CALLBACK_ALLOWED_HOSTS: `127.0.0.1:${receiverPort}`,
      ADMIN_USER: 'ops',
      ADMIN_PASSWORD: 'board-password-1',
    });
    client = new Client(server.url, API_KEY);
    redis = new Cluster(server.config.redisClusterNodes);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.close();
    await new Promise((r) => receiver?.close(r));
    await cluster.dispose();
  });

  const receiverUrl = () => `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/ended`;

  it('runs a job to its end, sync and async, with its logs, an artifact and its callback', async () => {
    const sync = await client.run('print("hello from the cluster")');
    expect(sync.job.status).toBe('succeeded');
    expect(sync.logs).toBe('hello from the cluster\n');

    const id = await client.submit({
      code:
        'import os\n' +
        'open(os.path.join(os.environ["JOB_OUTPUT_DIR"], "result.txt"), "w").write("42")\n' +
        'for i in range(3):\n    print(f"line {i}")',
      spec: { callback_url: receiverUrl() },
    });
    const job = await client.waitEnded(id);
    expect(job).toMatchObject({ status: 'succeeded', exit_code: 0, artifacts: ['result.txt'] });
    expect(await client.logs(id)).toBe('line 0\nline 1\nline 2\n');
    const artifact = await client.get(`/jobs/${id}/artifacts/result.txt`);
    expect(artifact.status).toBe(200);
    expect(await artifact.text()).toBe('42');
    // The callbacks queue works on the cluster too: the delivery arrives and is recorded.
    await eventually('the callback delivered', async () => {
      const cb = (await client.job(id)).callback as { status: string } | null;
      return callbacks.includes(id) && cb?.status === 'delivered';
    });
  });

  it('streams a running job’s log live over SSE, to its end', async () => {
    const id = await client.submit({
      code: 'import time\nfor i in range(5):\n    print(f"n{i}", flush=True)\n    time.sleep(0.3)',
    });
    await client.waitStatus(id, 'running');
    const res = await client.get(`/jobs/${id}/logs/stream`);
    expect(res.status).toBe(200);
    const { lines, last } = sseLines(await res.text());
    expect(lines).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
    expect(last).toBe('end');
  });

  it('cancels a running job', async () => {
    const id = await client.submit({
      code: 'import time\nprint("up", flush=True)\ntime.sleep(60)',
      spec: { timeout_sec: 90 },
    });
    await eventually('the job runs', async () => (await client.logs(id)).includes('up'));
    const started = Date.now();
    const res = await client.post(`/jobs/${id}/cancel`, {});
    expect(res.status).toBe(200);
    // The worker heard of it through the cancel channel and killed the sandbox at once.
    const job = await client.waitEnded(id, 20_000);
    expect(job.status).toBe('canceled');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('lists the jobs, newest first, and filters them by status', async () => {
    const ids = [await client.submit({ code: 'print(1)' }), await client.submit({ code: 'x' })];
    for (const id of ids) await client.waitEnded(id);
    const page = (await (await client.get('/jobs?limit=100')).json()) as {
      jobs: { id: string; status: string }[];
    };
    expect(page.jobs.length).toBeGreaterThanOrEqual(6);
    expect(page.jobs.slice(0, 2).map((j) => j.id)).toEqual([...ids].reverse());
    const failed = (await (await client.get('/jobs?status=failed')).json()) as {
      jobs: { id: string }[];
    };
    expect(failed.jobs.map((j) => j.id)).toEqual([ids[1]]);
  });

  it('is ready, counts its worker alive and exports the queue', async () => {
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      checks: { redis: { ok: true }, workers: { ok: true, alive: 1 } },
    });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(sample(metrics, 'job_runner_workers_alive', { engine: 'up' })).toBe(1);
    expect(sample(metrics, 'job_runner_queue_jobs', { state: 'completed' })).toBeGreaterThan(0);
  });

  it('shows the queues and the cluster on the admin board', async () => {
    const headers = { authorization: basic('ops', 'board-password-1') };
    const board = `${server.url}${server.config.admin.basePath}/api`;
    const queues = await fetch(`${board}/queues`, { headers });
    expect(queues.status).toBe(200);
    const names = ((await queues.json()) as { queues: { name: string }[] }).queues.map(
      (q) => q.name,
    );
    expect(names.sort()).toEqual(
      [server.config.queueName, `${server.config.queueName}-callbacks`].sort(),
    );
    // Bull Board reads INFO of every master of a cluster.
    const stats = await fetch(`${board}/redis/stats`, { headers });
    expect(stats.status).toBe(200);
    expect(await stats.json()).toMatchObject({ version: expect.stringMatching(/^\d+\./) });
  });

  it('puts every key it writes under the hash tag, in one slot, and none in REDIS_URL', async () => {
    const q = server.config.queueName;
    const keys = await scanKeys(redis, `*${q}*`);
    // Jobs and their logs, the events stream, the worker registry, the rate limiter, the
    // callbacks queue: all of them are there.
    for (const part of [':logs:', ':events', ':jr:workers', ':api-rate:', `${q}-callbacks:`])
      expect(keys.some((k) => k.includes(part))).toBe(true);
    expect(keys.filter((k) => !k.startsWith(`${CLUSTER_KEY_PREFIX}:${q}`))).toEqual([]);
    const slots = new Set(
      await Promise.all(keys.map(async (k) => Number(await redis.cluster('KEYSLOT', k)))),
    );
    expect([...slots]).toEqual([Number(await redis.cluster('KEYSLOT', CLUSTER_KEY_PREFIX))]);

    // REDIS_URL (the suite's standalone Redis) was never written to.
    const standalone = new Redis(server.redisUrl);
    try {
      expect(await scanKeys(standalone, `*${q}*`)).toEqual([]);
      // A standalone Redis keeps the names deployments have always had.
      expect(keyPrefix(standalone)).toBe('bull');
      expect(keyBase(standalone, q)).toBe(`bull:${q}`);
    } finally {
      standalone.disconnect();
    }
  });

  it('scans keys on every master, wherever their slots are', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `scan-test:${i}`);
    for (const name of names) await redis.set(name, '1');
    // Spread over the masters (no hash tag): one node alone would not hold them all.
    const holders = new Set(
      await Promise.all(
        redis.nodes('master').map(async (n) => ((await n.dbsize()) > 0 ? n.options.port : null)),
      ),
    );
    expect([...holders].filter(Boolean).length).toBe(3);
    expect((await scanKeys(redis, 'scan-test:*')).sort()).toEqual([...names].sort());
  });

  it('wakes a blocked log reader on the node it blocks on, for a new follower', async () => {
    const reader = new Cluster(server.config.redisClusterNodes);
    const store = new LogStore(redis, keyBase(redis, `follow-${server.config.queueName}`));
    // A read that blocks for a minute: only a wake-up can end it within the test's bounds.
    const follower = new LogFollower(store, reader, redis, 60_000);
    try {
      const got: string[] = [];
      follower.follow('quiet', '0', (r) => got.push(...r.entries.map((e) => e.text)));
      await new Promise((r) => setTimeout(r, 500));
      follower.follow('busy', '0', (r) => got.push(...r.entries.map((e) => e.text)));
      await store.append('busy', 'hello\n');
      await eventually(
        'the new follower gets its line',
        () => Promise.resolve(got.includes('hello\n')),
        5000,
      );
    } finally {
      await follower.close();
      reader.disconnect();
    }
  });

  it('waits for the cluster at start, as for a standalone Redis', async () => {
    await expect(waitForRedis(server.config, 5000)).resolves.toBeUndefined();
  });

  it('starts no private redis-server for an unset REDIS_URL: the cluster is the Redis', async () => {
    const port = await freePort();
    // REDIS_URL unset means localhost:6379; the test stands in another port for it.
    const config = {
      ...loadConfig(
        { JOB_DATA_DIR: server.dataDir, REDIS_CLUSTER_NODES: cluster.nodes },
        { dotenvDir: null },
      ),
      redisUrl: `redis://127.0.0.1:${port}`,
    };
    expect(config.redisUrlGiven).toBe(false);
    const started = await resolveRedis(config, createLogger({ level: 'error' }));
    try {
      expect(await redisAnswers('127.0.0.1', port)).toBe(false);
    } finally {
      await started.stop();
    }
  });

  it('runs `npm start` and `npm run worker` on the cluster, REDIS_URL unused', async () => {
    const port = await freePort();
    const queue = `${server.config.queueName}-procs`;
    const api = new AppProcess(
      'api',
      {
        REDIS_CLUSTER_NODES: cluster.nodes,
        QUEUE_NAME: queue,
        JOB_DATA_DIR: server.config.jobDataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        INLINE_WORKER: '0',
      },
      server.dataDir,
    );
    const worker = new WorkerProcess(server, {
      REDIS_CLUSTER_NODES: cluster.nodes,
      // Nothing answers there: a process that used it would never start.
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      QUEUE_NAME: queue,
    });
    try {
      await api.waitFor('listening on');
      await worker.ready();
      const line = api.output.split('\n').find((l) => l.includes('listening on'))!;
      expect(line).toContain(`"redis":"${cluster.nodes} (cluster)"`);
      const body = await new Client(`http://127.0.0.1:${port}`).run('print(6 * 7)');
      expect(body.job.status).toBe('succeeded');
      expect(body.logs).toBe('42\n');
    } finally {
      api.kill('SIGTERM');
      worker.kill('SIGTERM');
      await Promise.all([api.exited, worker.exited]);
    }
  });
});
