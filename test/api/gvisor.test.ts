import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { startTestServer, type TestServer } from '../helpers/test-server';

const MiB = 1024 * 1024;

/**
 * Spins for `cpu` more seconds of its own CPU, then prints the spin's wall and CPU seconds and
 * the CPU seconds of the whole program.
 */
const busy = (cpu: number) =>
  `import time\nw = time.monotonic()\nc = time.process_time()\n` +
  `while time.process_time() - c < ${cpu}: pass\n` +
  'print(time.monotonic() - w, time.process_time() - c, time.process_time())';

/**
 * What differs when sandboxes run on gVisor's kernel (SANDBOX_RUNTIME=runsc), beside the attack
 * suite that runs again under it: the figures come from the engine (nothing of the host's cgroup
 * shows inside), a program over its memory takes the whole sandbox with it, and a pooled sandbox,
 * whose limits the engine cannot change, serves only the jobs that fit them.
 */
describeDocker('sandboxes under gVisor', () => {
  let server: TestServer;
  let client: Client;
  const ready = () =>
    eventually('a ready sandbox', () =>
      Promise.resolve(server.worker!.runner.poolStats!()!.ready > 0),
    );
  beforeAll(async () => {
    server = await startTestServer({ SANDBOX_RUNTIME: 'runsc', WORKER_CONCURRENCY: '1' });
    client = new Client(server.url);
  });
  afterAll(() => server.close());

  it("runs the program on gVisor's kernel, not the host's", async () => {
    await ready();
    const { job, logs } = await client.run('import os\nprint(os.uname().release)');
    expect(job).toMatchObject({ status: 'succeeded', sandbox: 'warm' });
    // gVisor presents itself as Linux 4.4.0.
    expect(logs).toBe('4.4.0\n');
  });

  it('reports CPU time and peak memory from the engine, and holds the CPU limit', async () => {
    await ready();
    const { job, logs } = await client.run(
      `x = bytearray(96 * 1024 * 1024)\nfor i in range(0, len(x), 4096): x[i] = 1\n${busy(1)}`,
      { cpu_limit: 1 },
    );
    expect(job.status).toBe('succeeded');
    const [wall, cpu, total] = logs.trim().split(' ').map(Number);
    const cpuMs = job.cpu_time_ms as number;
    // The whole sandbox's count: the program's own CPU and gVisor's work for it (system calls
    // through ptrace cost CPU of their own). The program reads its own CPU from gVisor's clock,
    // not the host's: under a full suite's load the host counted 0.85 of it once (CI), so the
    // floor says "the same magnitude", not "never less".
    expect(cpuMs / (total * 1000)).toBeGreaterThan(0.75);
    expect(cpuMs / (total * 1000)).toBeLessThan(3);
    // cpu_limit 1 holds: never more than one CPU over the spin.
    expect(cpu / wall).toBeLessThan(1.15);
    // The 96 MB the program held, and gVisor's own memory: under the limit (512 MB).
    expect(job.peak_memory_bytes as number).toBeGreaterThan(96 * MiB);
    expect(job.peak_memory_bytes as number).toBeLessThanOrEqual(512 * MiB);
  });

  it('tells an OOM that took the whole sandbox, with the limit as its peak', async () => {
    const { job, logs } = await client.run('x = bytearray(200 * 1024 * 1024)', {
      mem_limit_mb: 64,
    });
    expect(job).toMatchObject({ status: 'failed', error: 'oom', exit_code: 137, attempts: 1 });
    expect(job.peak_memory_bytes).toBe(64 * MiB);
    expect(logs).toContain('out of memory');
  });

  it('serves from the pool only jobs whose memory and CPU are the pool’s own', async () => {
    await ready();
    // A lower PID limit fits a pooled sandbox: it is set inside, per program.
    const fits = await client.run('print("warm")', { pids_limit: 32 });
    expect(fits.job).toMatchObject({ status: 'succeeded', sandbox: 'warm' });
    await ready();
    const other = await client.run('print("cold")', { mem_limit_mb: 256 });
    expect(other.job).toMatchObject({ status: 'succeeded', sandbox: 'cold' });
    expect(other.logs).toBe('cold\n');
  });
});
