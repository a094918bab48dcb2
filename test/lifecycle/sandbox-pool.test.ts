import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WORKER_LABEL } from '@job-runner/jobs';
import {
  DockerRunner,
  SANDBOX_LABEL,
  type RunResult,
  type SandboxLimits,
} from '@job-runner/sandbox';
import { Client } from '../helpers/client';
import { containersWithLabel, describeDocker } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { WorkerProcess } from '../helpers/worker-process';

const IMAGE = process.env.JOB_RUN_IMAGE || 'job-runner-exec:latest';
const SHAPE: SandboxLimits = { timeoutSec: 60, cpus: 1, memoryMb: 512, pids: 128 };

/** A runner with a pool of its own, labelled with a worker id of its own. */
function pooledRunner(size: number, maxAgeSec = 600) {
  const worker = `pool-test-${randomUUID().slice(0, 8)}`;
  const runner = new DockerRunner({
    labels: { [WORKER_LABEL]: worker },
    pool: { size, maxAgeSec, shape: SHAPE },
  });
  return { runner, worker };
}

async function run(
  runner: DockerRunner,
  code: string,
  limits: Partial<SandboxLimits> = {},
): Promise<RunResult & { output: string }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pool-'));
  try {
    for (const d of ['code', 'input', 'output']) fs.mkdirSync(path.join(root, d));
    fs.writeFileSync(path.join(root, 'code', 'main.py'), code);
    let output = '';
    const result = await runner.run({
      jobId: randomUUID(),
      image: IMAGE,
      entry: 'main.py',
      args: [],
      env: {},
      limits: { ...SHAPE, ...limits },
      netPolicy: 'none',
      codeDir: path.join(root, 'code'),
      inputDir: path.join(root, 'input'),
      outputDir: path.join(root, 'output'),
      onOutput: (c) => (output += c.toString()),
    });
    return { ...result, output };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const pooledOf = async (worker: string) =>
  (
    await import('@job-runner/sandbox').then(({ dockerClient }) =>
      dockerClient().listContainers({
        all: true,
        filters: { label: [`${SANDBOX_LABEL}=pool`, `${WORKER_LABEL}=${worker}`] },
      }),
    )
  ).map((c) => c.Id);

describeDocker('the sandbox pool', () => {
  it('gives a job a ready sandbox, refills behind it, and never hands one out twice', async () => {
    const { runner, worker } = pooledRunner(2);
    try {
      await runner.prepare([IMAGE]);
      expect(runner.poolStats()).toMatchObject({ ready: 2, hits: 0, misses: 0 });
      const first = await pooledOf(worker);
      const r = await run(runner, 'print("warm")');
      expect(r).toMatchObject({ verdict: 'succeeded', sandbox: 'warm', output: 'warm\n' });
      expect(runner.poolStats()).toMatchObject({ hits: 1 });
      await eventually('the pool is full again', () =>
        Promise.resolve(runner.poolStats()?.ready === 2),
      );
      // One of the first two was taken (and removed after its job, off its path: a moment
      // later under load), one is new.
      const now = await eventually('the taken sandbox removed', async () => {
        const ids = await pooledOf(worker);
        return ids.filter((id) => first.includes(id)).length === 1 ? ids : null;
      });
      expect(now).toHaveLength(2);
    } finally {
      await runner.close();
    }
  });

  it('applies a job’s own limits to a pooled sandbox before its files go in', async () => {
    const { runner } = pooledRunner(1);
    try {
      await runner.prepare([IMAGE]);
      const r = await run(
        runner,
        [
          'import os',
          'cg = "/sys/fs/cgroup"',
          'def read(*ps):',
          '    for p in ps:',
          '        if os.path.exists(p): return open(p).read().strip()',
          'print("mem", read(cg + "/memory/memory.limit_in_bytes", cg + "/memory.max"))',
          'print("pids", read(cg + "/pids/pids.max", cg + "/pids.max"))',
          'print("cpu", read(cg + "/cpu/cpu.cfs_quota_us", cg + "/cpu,cpuacct/cpu.cfs_quota_us", cg + "/cpu.max"))',
        ].join('\n'),
        { memoryMb: 96, pids: 50, cpus: 0.5 },
      );
      expect(r.sandbox).toBe('warm');
      expect(r.output).toContain(`mem ${96 * 1024 * 1024}`);
      expect(r.output).toContain('pids 50');
      expect(r.output).toMatch(/cpu 50000\b/);
    } finally {
      await runner.close();
    }
  });

  it('replaces a pooled sandbox that died, and one past its age', async () => {
    const { runner, worker } = pooledRunner(1, 5);
    try {
      await runner.prepare([IMAGE]);
      const [first] = await pooledOf(worker);
      execFileSync('docker', ['kill', first]);
      const second = await eventually('a live replacement', async () => {
        const ids = await pooledOf(worker);
        const live = runner.pooledIds();
        return !live.has(first) && live.size === 1 ? ids.find((id) => live.has(id)) : null;
      });
      // Past SANDBOX_POOL_MAX_AGE_SEC (5 s here), a fresh one takes its place.
      await eventually(
        'an older one replaced',
        () => Promise.resolve(!runner.pooledIds().has(second)),
        20_000,
      );
      await eventually('the pool is full again', () =>
        Promise.resolve(runner.poolStats()?.ready === 1),
      );
      expect((await run(runner, 'print(1)')).sandbox).toBe('warm');
    } finally {
      await runner.close();
    }
  });

  it('goes cold when the pool is off', async () => {
    const off = new DockerRunner({ pool: { size: 0, maxAgeSec: 600, shape: SHAPE } });
    await off.prepare([IMAGE]);
    expect(off.poolStats()).toBeNull();
    expect(await run(off, 'print("cold")')).toMatchObject({
      verdict: 'succeeded',
      sandbox: 'cold',
      output: 'cold\n',
    });
    await off.close();
  });

  it('removes every pooled sandbox when it stops', async () => {
    const { runner, worker } = pooledRunner(2);
    await runner.prepare([IMAGE]);
    expect(await pooledOf(worker)).toHaveLength(2);
    await runner.close();
    expect(await pooledOf(worker)).toEqual([]);
  });
});

describeDocker('the pool of a worker that dies', () => {
  let server: TestServer;
  afterAll(() => server.close());

  it('is reaped by another worker of its queue, and only by one of its queue', async () => {
    const fast = {
      INLINE_WORKER: '0',
      WORKER_HEARTBEAT_SEC: '2',
      REAPER_INTERVAL_SEC: '1',
      SANDBOX_POOL_SIZE: '2',
    };
    server = await startTestServer(fast);
    // A worker of another queue (another platform on the same engine) stays untouched.
    const other = await startTestServer({ ...fast, INLINE_WORKER: '0' });
    const foreign = await new WorkerProcess(other, { ...fast }).ready();
    const doomed = await new WorkerProcess(server, fast).ready();
    try {
      await eventually(
        'the doomed worker’s pool',
        async () => (await containersWithLabel(WORKER_LABEL, doomed.id)).length === 2,
      );
      doomed.kill('SIGKILL');
      await doomed.exited;
      const survivor = await new WorkerProcess(server, fast).ready();
      try {
        await eventually(
          'the dead worker’s pool reaped',
          async () => (await containersWithLabel(WORKER_LABEL, doomed.id)).length === 0,
          30_000,
        );
        expect(await containersWithLabel(WORKER_LABEL, foreign.id)).toHaveLength(2);
        // The survivor runs jobs from its own pool.
        const { job } = await new Client(server.url).run('print(1)');
        expect(job).toMatchObject({ status: 'succeeded', sandbox: 'warm' });
      } finally {
        survivor.kill('SIGTERM');
        await survivor.exited;
      }
      // A worker that stops on purpose takes its pool with it.
      expect(await containersWithLabel(WORKER_LABEL, survivor.id)).toEqual([]);
    } finally {
      foreign.kill('SIGTERM');
      await foreign.exited;
      await other.close();
    }
  });
});
