import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DockerRunner, type RunRequest } from '@job-runner/sandbox';
import { expectNoContainerLeft, expectRunnerStillRuns } from '../helpers/attack';
import { describeDocker, sandboxRuntimeUnderTest, underGvisor } from '../helpers/docker';

/**
 * The job's files reach the sandbox through PID 1's stdin. They must arrive whole and read-only
 * to the program, a failure must name what went wrong, and the program must find no way back
 * to that input.
 */
describeDocker('files into the sandbox', () => {
  const KiB = 1024;
  const runner = new DockerRunner({ filesBytes: 256 * KiB, runtime: sandboxRuntimeUnderTest() });
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'copy-in-'));
    for (const d of ['code', 'input', 'output']) fs.mkdirSync(path.join(root, d));
  });
  afterEach(async () => {
    fs.rmSync(root, { recursive: true, force: true });
    await expectRunnerStillRuns(runner);
  });

  function request(code: string, inputs: Record<string, Buffer> = {}) {
    fs.writeFileSync(path.join(root, 'code', 'main.py'), code);
    for (const [name, data] of Object.entries(inputs))
      fs.writeFileSync(path.join(root, 'input', name), data);
    let output = '';
    const req: RunRequest = {
      jobId: `copy-in-${randomUUID()}`,
      image: process.env.JOB_RUN_IMAGE || 'job-runner-exec:latest',
      entry: 'main.py',
      args: [],
      env: {},
      limits: { timeoutSec: 30, cpus: 1, memoryMb: 256, pids: 64 },
      netPolicy: 'none',
      codeDir: path.join(root, 'code'),
      inputDir: path.join(root, 'input'),
      outputDir: path.join(root, 'output'),
      onOutput: (chunk) => (output += chunk.toString()),
    };
    return { req, output: () => output };
  }

  it('delivers code and inputs byte for byte, owned by root and read-only to the program', async () => {
    const data = Buffer.from(Array.from({ length: 100 * KiB }, (_, i) => (i * 7) % 256));
    const { req, output } = request(
      `
import hashlib, os
p = "/workspace/input/data.bin"
print("sha", hashlib.sha256(open(p, "rb").read()).hexdigest())
st = os.stat(p)
print("owner", st.st_uid, oct(st.st_mode & 0o777))
try:
    open(p, "ab")
    print("input writable")
except OSError:
    print("input read-only")
`,
      { 'data.bin': data },
    );
    const result = await runner.run(req);
    expect(result.verdict).toBe('succeeded');
    const sha = (await import('node:crypto')).createHash('sha256').update(data).digest('hex');
    expect(output()).toContain(`sha ${sha}`);
    expect(output()).toContain('owner 0 0o644');
    expect(output()).toContain('input read-only');
  });

  it("finds PID 1's input closed and out of the program's reach", async () => {
    const { req, output } = request(`
import os
for fd in ("/proc/1/fd/0", "/proc/1/fd"):
    try:
        os.listdir(fd) if fd.endswith("fd") else open(fd, "rb").read(1)
        print(fd, "reachable")
    except OSError as e:
        print(fd, "refused", type(e).__name__)
root = []
for p in os.listdir("/proc"):
    if p.isdigit():
        try:
            if os.stat(f"/proc/{p}").st_uid == 0:
                root.append(open(f"/proc/{p}/comm").read().strip())
        except OSError:
            pass
print("root processes", sorted(root))
`);
    const result = await runner.run(req);
    expect(result.verdict).toBe('succeeded');
    expect(output()).toContain('/proc/1/fd/0 refused PermissionError');
    // gVisor's /proc lets the program list PID 1's descriptor numbers, never open one.
    expect(output()).toContain(
      underGvisor() ? '/proc/1/fd reachable' : '/proc/1/fd refused PermissionError',
    );
    // The unpacking shell has become the idle `sleep`; no tar is left reading.
    expect(output()).toContain("root processes ['docker-init', 'sleep']");
  });

  it('names the failure when the files do not fit, and leaves no container behind', async () => {
    const { req } = request('print("never runs")', { 'big.bin': Buffer.alloc(512 * KiB, 1) });
    await expect(runner.run(req)).rejects.toThrow(
      /copying files into the sandbox failed: tar: input\/big\.bin: (Wrote only|.*No space left)/,
    );
    await expectNoContainerLeft(req.jobId);
  });
});
