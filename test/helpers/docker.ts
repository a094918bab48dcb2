import fs from 'node:fs';
import os from 'node:os';

/** `describe` for suites that need the Docker engine; skipped only when SKIP_DOCKER_TESTS=1. */
export const describeDocker: jest.Describe =
  process.env.SKIP_DOCKER_TESTS === '1' ? describe.skip : describe;

/**
 * The OCI runtime the suite's sandboxes run under: runsc in the `gvisor` jest project (see
 * under-gvisor.ts), else undefined (the engine's default, runc).
 */
export function sandboxRuntimeUnderTest(): string | undefined {
  return process.env.TEST_SANDBOX_RUNTIME || undefined;
}

/** Whether this run's sandboxes are under gVisor. */
export const underGvisor = (): boolean => sandboxRuntimeUnderTest() === 'runsc';

/** Ids of sandbox containers (running or not) carrying `key=value`. */
export async function containersWithLabel(key: string, value: string): Promise<string[]> {
  const { dockerClient } = await import('@job-runner/sandbox');
  const list = await dockerClient().listContainers({
    all: true,
    filters: { label: [`${key}=${value}`] },
  });
  return list.map((c) => c.Id);
}

/** Ids of every sandbox container (running or not) of a job, earlier attempts included. */
export async function jobContainers(jobId: string): Promise<string[]> {
  const { dockerClient, jobNameFilter, SANDBOX_LABEL } = await import('@job-runner/sandbox');
  const list = await dockerClient().listContainers({
    all: true,
    filters: { name: [jobNameFilter(jobId)], label: [SANDBOX_LABEL] },
  });
  return list.map((c) => c.Id);
}

/**
 * Whether the engine's cgroups report a container's peak memory: cgroup v1 always, cgroup v2
 * from kernel 5.19 (memory.peak). Where they do not, a job's peak_memory_bytes is null.
 */
export function peakMemoryKnown(): boolean {
  if (fs.existsSync('/sys/fs/cgroup/memory/memory.max_usage_in_bytes')) return true;
  const [major = 0, minor = 0] = os.release().split('.').map(Number);
  return major > 5 || (major === 5 && minor >= 19);
}
