import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { startTestServer, type TestServer } from '../helpers/test-server';

const CAP = 1024 * 1024;

describeDocker('bounded output and artifacts', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await startTestServer({
      MAX_LOG_BYTES: String(CAP),
      MAX_ARTIFACTS: '3',
      MAX_ARTIFACT_BYTES: String(64 * 1024),
    });
    client = new Client(server.url);
  });
  afterAll(() => server.close());

  const dropped = (logs: string) =>
    Number(/output limit of \d+ bytes reached: (\d+) more bytes dropped/.exec(logs)?.[1]);

  it('caps a 50 MB line without a newline and says how much it dropped', async () => {
    const { job, logs } = await client.run(
      'import sys\nsys.stdout.write("x" * 50_000_000)\nsys.stdout.flush()',
      { timeout_sec: 300 },
    );
    expect(job.status).toBe('succeeded');
    expect(logs.match(/\[job-runner\] output limit/g)).toHaveLength(1);
    expect(Buffer.byteLength(logs)).toBeLessThan(CAP + 200_000);
    expect(Buffer.byteLength(logs)).toBeGreaterThan(CAP - 1000);
    // Every byte the program wrote is either in the log or counted as dropped.
    expect((logs.match(/x/g) ?? []).length + dropped(logs)).toBe(50_000_000);
  });

  it('caps 300 MB of short lines', async () => {
    const { job, logs } = await client.run(
      [
        'import sys',
        'chunk = ("y" * 99 + "\\n") * 10_000',
        'for _ in range(300):',
        '    sys.stdout.write(chunk)',
        'print("the end")',
      ].join('\n'),
      { timeout_sec: 300 },
    );
    expect(job.status).toBe('succeeded');
    expect(Buffer.byteLength(logs)).toBeLessThan(CAP + 200);
    const body = logs.slice(0, logs.indexOf('[job-runner] output limit'));
    const lines = body.split('\n').slice(0, -1);
    expect(lines.every((l) => /^y{1,99}$/.test(l))).toBe(true);
    // The line cut at the cap ends with a newline the program did not write.
    const ours = lines.at(-1)!.length < 99 ? 1 : 0;
    expect(Buffer.byteLength(body) - ours + dropped(logs)).toBe(300_000_000 + 'the end\n'.length);
  });

  it('keeps regular files only, at most MAX_ARTIFACTS, and says what it skipped', async () => {
    const { job, logs } = await client.run(`
import os
out = os.environ["JOB_OUTPUT_DIR"]
for i in range(5):
    open(os.path.join(out, f"f{i}.txt"), "w").write(str(i))
os.mkfifo(os.path.join(out, "pipe"))
os.symlink("/etc/passwd", os.path.join(out, "link"))
`);
    expect(job.status).toBe('succeeded');
    expect(job.artifacts).toHaveLength(3);
    expect(logs).toMatch(/artifact skipped: \S+ \(more than 3 files\)/);
    expect(logs).toMatch(/artifact skipped: link is a symlink/);
    expect(logs).toMatch(/artifact skipped: pipe is a fifo/);
  });

  it('caps the bytes of all artifacts: writing past MAX_ARTIFACT_BYTES fails in the sandbox', async () => {
    const { job, logs } = await client.run(`
import os
out = os.environ["JOB_OUTPUT_DIR"]
open(os.path.join(out, "a.bin"), "wb").write(b"a" * 40_000)
try:
    open(os.path.join(out, "b.bin"), "wb").write(b"b" * 40_000)
except OSError as e:
    print("refused:", e.strerror)
`);
    expect(job.status).toBe('succeeded');
    expect(logs).toMatch(/refused: (No space left on device|File too large)/);
    expect(job.artifacts).toContain('a.bin');
    const res = await fetch(`${server.url}/jobs/${job.id}/artifacts/a.bin`);
    expect((await res.arrayBuffer()).byteLength).toBe(40_000);
  });
});
