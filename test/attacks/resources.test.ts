import fs from 'node:fs';
import path from 'node:path';
import { describeDocker, underGvisor } from '../helpers/docker';
import { Client } from '../helpers/client';
import { POOL_MODES, expectNextJobSucceeds, expectNoContainerLeft } from '../helpers/attack';
import { startTestServer, type TestServer } from '../helpers/test-server';

const MiB = 1024 * 1024;

/** Forks as fast as it can, forever, shrugging off every refusal. */
const FORK_BOMB = `
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
`;

/** Resource attacks: each ends with a safe verdict, leaves no container, and the next job runs. */
describeDocker.each(POOL_MODES)('attacks on resources (%s)', (_mode, poolEnv) => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await startTestServer({
      ...poolEnv,
      TMP_SIZE_MB: '16',
      MAX_ARTIFACT_BYTES: String(8 * MiB),
      MAX_LOG_BYTES: String(1 * MiB),
      WORKER_CONCURRENCY: '1',
    });
    client = new Client(server.url);
  });
  afterAll(() => server.close());

  afterEach(async () => {
    await expectNextJobSucceeds(client);
  });

  it('fork bomb: held by the PID limit and ended at the timeout', async () => {
    const { job } = await client.run(FORK_BOMB, { timeout_sec: 5, pids_limit: 64 });
    expect(job).toMatchObject({ status: 'failed', error: 'timeout' });
    await expectNoContainerLeft(job.id);
  });

  it('the PID limit holds: a program cannot have more processes than it allows', async () => {
    // Children that wait, so every one counts at once; the count stops at the first refusal.
    const code = `
import os, time
children = []
while len(children) < 500:
    try:
        pid = os.fork()
    except OSError as e:
        print("refused", e.errno, "after", len(children), flush=True)
        break
    if pid == 0:
        time.sleep(30)
        os._exit(0)
    children.append(pid)
for pid in children:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
`;
    const { job, logs } = await client.run(code, { timeout_sec: 60, pids_limit: 32 });
    // Under runc the container's cgroup counts init and PID 1 too; under gVisor the program's
    // own limit inside counts its supervisor: either way a few under 32, never more.
    const m = /refused 11 after (\d+)/.exec(logs);
    expect({ logs: logs.slice(0, 500), refused: !!m }).toMatchObject({ refused: true });
    expect(Number(m![1])).toBeGreaterThanOrEqual(24);
    expect(Number(m![1])).toBeLessThan(32);
    await expectNoContainerLeft(job.id);
  });

  // With the ptrace platform gVisor's host tasks grow with process churn until the sandbox's host
  // limit ends gVisor itself (about a minute at pids_limit 64): the program's doing, not retried.
  if (underGvisor())
    it('fork bomb left churning under gVisor: its sandbox ends whole, the job fails as its own', async () => {
      // Half a CPU: the suites beside it keep the other core and a half.
      const { job, logs } = await client.run(FORK_BOMB, {
        timeout_sec: 400,
        pids_limit: 64,
        cpu_limit: 0.5,
      });
      expect({ status: job.status, error: job.error, attempts: job.attempts }).toEqual({
        status: 'failed',
        error: 'non-zero exit',
        attempts: 1,
      });
      expect(logs.replace(/\s+/g, ' ')).toMatch(/kernel \(gVisor\) ended under the program/);
      await expectNoContainerLeft(job.id);
    }, 500_000);

  it('a PID limit below what the sandbox itself needs is refused before anything runs', async () => {
    const res = await client.sync({ code: 'print(1)', spec: { pids_limit: 4 } });
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/pids_limit must be at least 16/);
  });

  it('fork bomb at the lowest PID limit allowed: still ended, by its timeout', async () => {
    const { job, logs } = await client.run(FORK_BOMB, { timeout_sec: 3, pids_limit: 16 });
    // The log rides along so that a failure shows what the platform said.
    expect({ status: job.status, error: job.error, logs: logs.slice(0, 2000) }).toMatchObject({
      status: 'failed',
      error: 'timeout',
    });
    await expectNoContainerLeft(job.id);
  });

  it('memory bomb: killed by the memory limit and reported as oom', async () => {
    const code = `
chunks = []
while True:
    chunks.append(bytearray(8 * 1024 * 1024))
`;
    const { job, logs } = await client.run(code, { mem_limit_mb: 64, timeout_sec: 60 });
    expect(job).toMatchObject({ status: 'failed', error: 'oom' });
    expect(logs).toContain('out of memory');
    await expectNoContainerLeft(job.id);
  });

  it('filling /tmp: stops at its size with ENOSPC', async () => {
    // Several files: one file alone meets RLIMIT_FSIZE (EFBIG) first.
    const code = `
import errno
n = 0
for i in range(100):
    try:
        with open("/tmp/fill%d" % i, "wb") as f:
            while True:
                f.write(b"x" * 1048576)
                f.flush()
                n += 1
    except OSError as e:
        if e.errno == errno.ENOSPC:
            print("stopped", errno.errorcode[e.errno], n)
            break
`;
    const { job, logs } = await client.run(code);
    expect(job.status).toBe('succeeded');
    const m = /stopped (\w+) (\d+)/.exec(logs);
    expect(m?.[1]).toBe('ENOSPC');
    expect(Number(m?.[2])).toBeLessThanOrEqual(16);
  });

  it('filling the output directory: stops at its size, artifacts stay under the cap', async () => {
    const code = `
import errno, os
out = os.environ["JOB_OUTPUT_DIR"]
for i in range(20):
    try:
        with open(os.path.join(out, "part%d.bin" % i), "wb") as f:
            while True:
                f.write(b"o" * 1048576)
                f.flush()
    except OSError as e:
        print("file", i, errno.errorcode[e.errno])
        if e.errno == errno.ENOSPC:
            break
`;
    const { job, logs } = await client.run(code);
    expect(job.status).toBe('succeeded');
    expect(logs).toMatch(/ENOSPC/);
    let total = 0;
    for (const name of job.artifacts)
      total += (await (await fetch(`${server.url}/jobs/${job.id}/artifacts/${name}`)).arrayBuffer())
        .byteLength;
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(8 * MiB);
  });

  it('stdout flood: the log is capped and says how much was dropped', async () => {
    const code = `
import sys
line = "y" * 999 + "\\n"
for _ in range(30000):
    sys.stdout.write(line)
`;
    const { job, logs } = await client.run(code, { timeout_sec: 120 });
    expect(job.status).toBe('succeeded');
    expect(Buffer.byteLength(logs)).toBeLessThan(1 * MiB + 1024);
    expect(logs).toMatch(/output limit of 1048576 bytes reached: \d+ more bytes dropped/);
  });

  it('one 50 MB line without a newline: cut into pieces, capped, never held whole', async () => {
    const code = 'import sys\nsys.stdout.write("z" * (50 * 1024 * 1024))\n';
    const { job, logs } = await client.run(code, { timeout_sec: 120 });
    expect(job.status).toBe('succeeded');
    expect(Buffer.byteLength(logs)).toBeLessThan(1 * MiB + 1024);
    expect(logs.split('\n')[0].length).toBeLessThanOrEqual(64 * 1024);
    expect(logs).toMatch(/more bytes dropped/);
  });

  it('busy loop past the timeout: killed, reported as timeout', async () => {
    const { job } = await client.run('while True:\n    pass\n', { timeout_sec: 2 });
    expect(job).toMatchObject({ status: 'failed', error: 'timeout', exit_code: null });
    await expectNoContainerLeft(job.id);
  });

  it('sleep past the timeout: killed, reported as timeout', async () => {
    const { job } = await client.run('import time\ntime.sleep(600)\n', { timeout_sec: 2 });
    expect(job).toMatchObject({ status: 'failed', error: 'timeout', exit_code: null });
  });

  it('a daemon that tries to outlive the job: ended with it, no container remains', async () => {
    const code = `
import os, sys, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        out = os.environ["JOB_OUTPUT_DIR"]
        for i in range(100000):
            open(os.path.join(out, "late-%d.txt" % i), "w").write("still here")
            time.sleep(0.2)
    os._exit(0)
time.sleep(1)
print("parent leaves")
`;
    const { job, logs } = await client.run(code, { timeout_sec: 20 });
    expect(logs).toContain('parent leaves');
    // The parent left with 0: the job succeeded, and the daemon's files so far are its artifacts.
    expect(job.status).toBe('succeeded');
    expect(job.artifacts.length).toBeGreaterThan(0);
    await expectNoContainerLeft(job.id);
    // Collected once, after the daemon was killed: nothing is added on the host afterwards.
    const out = path.join(server.dataDir, 'jobs', job.id, 'output');
    const before = fs.readdirSync(out).sort();
    expect(before).toEqual([...job.artifacts].sort());
    await new Promise((r) => setTimeout(r, 1500));
    expect(fs.readdirSync(out).sort()).toEqual(before);
  });
});
