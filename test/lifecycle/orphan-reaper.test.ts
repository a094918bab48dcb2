import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createLogger } from '@job-runner/logger';
import { DockerRunner, SANDBOX_LABEL } from '@job-runner/sandbox';
import {
  createQueue,
  Janitor,
  JobFiles,
  LocalFileStore,
  LogStore,
  OrphanReaper,
  WORKER_LABEL,
  WorkerRegistry,
  keyBase,
} from '@job-runner/jobs';
import { containersWithLabel, describeDocker } from '../helpers/docker';

const logger = createLogger({ level: 'error' });

describeDocker('the orphan reaper', () => {
  const redis = new Redis(process.env.TEST_REDIS_URL!);
  const runner = new DockerRunner();
  const queueName = `t-${randomUUID().slice(0, 8)}`;
  const registry = new WorkerRegistry(redis, queueName);
  const run = randomUUID().slice(0, 8);
  const ids = {
    self: `self-${run}`,
    alive: `alive-${run}`,
    dead: `dead-${run}`,
    foreign: `foreign-${run}`,
  };
  const boxes: Record<string, string> = {};
  const make = async (name: string, workerId: string, role: 'job' | 'pool') =>
    (
      await runner.docker.createContainer({
        name,
        Image: process.env.JOB_RUN_IMAGE || 'job-runner-exec:latest',
        Cmd: ['sleep', 'infinity'],
        Labels: { [SANDBOX_LABEL]: role, [WORKER_LABEL]: workerId },
        HostConfig: { NetworkMode: 'none' },
      })
    ).id;

  beforeAll(async () => {
    for (const [who, workerId] of Object.entries(ids))
      boxes[who] = await make(`jr-job-job-${who}-${run}--1`, workerId, 'job');
    // This worker's own: a sandbox of a job it no longer runs (a leak), and one in its pool.
    boxes.selfLeak = await make(`jr-job-job-leak-${run}--1`, ids.self, 'job');
    boxes.selfPool = await make(`jr-pool-${run}`, ids.self, 'pool');
    // And a pooled one its pool no longer holds (the engine restarted under it).
    boxes.selfStalePool = await make(`jr-pool-stale-${run}`, ids.self, 'pool');
    await registry.beat(ids.alive, 60);
    await registry.beat(ids.dead, 60);
    await registry.retire(ids.dead);
    // `foreign` never registered here: another platform or test run on the same engine.
  });
  afterAll(async () => {
    for (const id of Object.values(boxes)) await runner.removeSandbox(id);
    redis.disconnect();
  });

  it('removes only the sandboxes of workers this queue knows to be dead', async () => {
    const reaper = new OrphanReaper({
      inventory: runner,
      registry,
      selfId: ids.self,
      running: () => [`job-self-${run}`],
      pooled: () => new Set([boxes.selfPool]),
      logger,
      // Its own leaks count at any age here (a minute by default).
      ownLeakAgeMs: 0,
    });
    expect(await reaper.sweep()).toBe(3);
    expect(await containersWithLabel(WORKER_LABEL, ids.dead)).toEqual([]);
    expect(await containersWithLabel(WORKER_LABEL, ids.alive)).toEqual([boxes.alive]);
    expect(await containersWithLabel(WORKER_LABEL, ids.foreign)).toEqual([boxes.foreign]);
    // Its own sandbox of a job it is running is of course kept, and the one in its pool; the
    // one of a job it no longer runs, and the pooled one its pool forgot, are gone.
    expect((await containersWithLabel(WORKER_LABEL, ids.self)).sort()).toEqual(
      [boxes.self, boxes.selfPool].sort(),
    );
  });
});

describe('the janitor', () => {
  it('removes the log and files of a job that is gone, but only on its second look', async () => {
    const redis = new Redis(process.env.TEST_REDIS_URL!);
    const queueName = `t-${randomUUID().slice(0, 8)}`;
    const queue = createQueue(queueName, redis, { attempts: 1, backoffMs: 0 });
    const files = new JobFiles(fs.mkdtempSync(path.join(os.tmpdir(), 'janitor-')));
    await files.init();
    const logs = new LogStore(redis, keyBase(redis, queueName));
    const janitor = new Janitor({
      queue,
      redis,
      files: new LocalFileStore(files),
      local: files,
      logs,
      retention: { completedAgeSec: 60, completedCount: 10, failedAgeSec: 60, failedCount: 10 },
      logger,
    });
    try {
      const orphan = randomUUID();
      await fs.promises.mkdir(files.dirs(orphan).code, { recursive: true });
      await logs.append(orphan, 'left behind\n');
      const kept = randomUUID();
      await queue.add(
        'run',
        { spec: {} as never, files: { code: [], input: [] } },
        { jobId: kept },
      );
      await fs.promises.mkdir(files.dirs(kept).code, { recursive: true });
      await logs.append(kept, 'still wanted\n');

      expect(await janitor.sweep()).toMatchObject({ logs: 0, dirs: 0 });
      expect(fs.existsSync(files.dirs(orphan).root)).toBe(true);
      expect(await janitor.sweep()).toMatchObject({ logs: 1, dirs: 1 });
      expect(fs.existsSync(files.dirs(orphan).root)).toBe(false);
      expect(await redis.exists(logs.key(orphan))).toBe(0);
      expect(fs.existsSync(files.dirs(kept).root)).toBe(true);
      expect(await logs.text(kept)).toBe('still wanted\n');
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      fs.rmSync(files.dataDir, { recursive: true, force: true });
      redis.disconnect();
    }
  });
});
