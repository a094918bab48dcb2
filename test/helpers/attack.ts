import type { Client } from './client';

export { jobContainers } from './docker';

/** After every attack the platform must still run an ordinary job. */
export async function expectNextJobSucceeds(client: Client): Promise<void> {
  const { job, logs } = await client.run('print("still fine")');
  expect(job).toMatchObject({ status: 'succeeded', exit_code: 0 });
  expect(logs).toBe('still fine\n');
}

/**
 * No container of the job is left. Removal happens after the job's result is recorded, so it is
 * awaited for a while rather than expected at once.
 */
export async function expectNoContainerLeft(jobId: string): Promise<void> {
  const { eventually } = await import('./eventually');
  const { jobContainers } = await import('./docker');
  await eventually(
    `no container of job ${jobId} left`,
    async () => (await jobContainers(jobId)).length === 0,
    30_000,
  );
}

/**
 * The same check for suites that drive a DockerRunner directly: an ordinary program still runs
 * to success on it, in fresh directories.
 */
export async function expectRunnerStillRuns(
  runner: import('@job-runner/sandbox').SandboxRunner,
): Promise<void> {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'still-runs-'));
  try {
    for (const d of ['code', 'input', 'output']) fs.mkdirSync(path.join(root, d));
    fs.writeFileSync(path.join(root, 'code', 'main.py'), 'print("still fine")');
    let out = '';
    const result = await runner.run({
      jobId: `still-runs-${Date.now()}`,
      image: process.env.JOB_RUN_IMAGE || 'job-runner-exec:latest',
      entry: 'main.py',
      args: [],
      env: {},
      limits: { timeoutSec: 30, cpus: 1, memoryMb: 128, pids: 64 },
      netPolicy: 'none',
      codeDir: path.join(root, 'code'),
      inputDir: path.join(root, 'input'),
      outputDir: path.join(root, 'output'),
      onOutput: (c) => (out += c.toString()),
    });
    expect({ verdict: result.verdict, out }).toEqual({ verdict: 'succeeded', out: 'still fine\n' });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
