import { hostPidsLimit, runtimeTraits } from '@job-runner/sandbox';
import type { Client } from './client';
import { sandboxRuntimeUnderTest } from './docker';

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

/**
 * Every hardening setting of a sandbox container, as the engine reports it: the same for one
 * made for a job and one waiting in a pool (with the limits given).
 */
export function expectHardened(
  info: import('dockerode').ContainerInspectInfo,
  limits: { memoryMb: number; cpus: number; pids: number },
): void {
  const hc = info.HostConfig as Record<string, unknown> & typeof info.HostConfig;
  expect(hc).toMatchObject({
    Privileged: false,
    ReadonlyRootfs: true,
    CapDrop: ['ALL'],
    SecurityOpt: ['no-new-privileges:true'],
    Memory: limits.memoryMb * 1024 * 1024,
    MemorySwap: limits.memoryMb * 1024 * 1024,
    NanoCpus: Math.round(limits.cpus * 1e9),
    PidsLimit: hostPidsLimit(limits.pids, runtimeTraits(sandboxRuntimeUnderTest() ?? 'runc', {})),
    IpcMode: 'private',
    Init: true,
    NetworkMode: 'none',
    AutoRemove: false,
    LogConfig: { Type: 'none' },
    // The runtime the suite runs under (the `gvisor` project: runsc), pooled sandboxes included.
    Runtime: sandboxRuntimeUnderTest() ?? 'runc',
  });
  expect(info.Config.User).toBe('0:0');
  expect(hc.CapAdd ?? []).toEqual([]);
  expect(hc.Binds ?? []).toEqual([]);
  expect(hc.Devices ?? []).toEqual([]);
  expect(hc.Ulimits).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ Name: 'nofile' }),
      expect.objectContaining({ Name: 'fsize' }),
      { Name: 'core', Soft: 0, Hard: 0 },
    ]),
  );
  expect((hc.Tmpfs as Record<string, string>)['/tmp']).toMatch(/^rw,noexec,nosuid,nodev,size=\d+/);
  expect((hc.Tmpfs as Record<string, string>)['/workspace/output']).toMatch(/size=\d+/);
  expect(info.Mounts.filter((m) => m.Type === 'bind')).toEqual([]);
  // Docker's default seccomp profile stays: no "seccomp=unconfined" anywhere.
  expect(JSON.stringify(hc.SecurityOpt)).not.toContain('seccomp');
}

/** The attack suites run twice: with sandboxes from a pool, and with each made for its job. */
export const POOL_MODES: [string, Record<string, string>][] = [
  ['sandboxes from a pool', {}],
  ['no pool', { SANDBOX_POOL_SIZE: '0' }],
];
