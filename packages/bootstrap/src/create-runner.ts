import type { Config } from '@job-runner/config';
import { defaultLimits } from '@job-runner/jobs';
import {
  DockerRunner,
  LocalRunner,
  type SandboxInventory,
  type SandboxRunner,
} from '@job-runner/sandbox';

export interface Sandbox {
  runner: SandboxRunner;
  /** The engine's sandboxes, for the reaper; absent for the unsandboxed local runner. */
  inventory?: SandboxInventory;
}

/**
 * The sandbox runner the configuration asks for: Docker (USE_DOCKER=1) or local processes.
 * `labels` go on every sandbox it makes (its worker's id, for the reaper).
 */
export function createRunner(config: Config, labels: Record<string, string> = {}): Sandbox {
  if (!config.useDocker) {
    return {
      runner: new LocalRunner({
        maxArtifacts: config.output.maxArtifacts,
        maxArtifactBytes: config.output.maxArtifactBytes,
      }),
    };
  }
  const runner = new DockerRunner({
    engine: config.docker,
    maxArtifacts: config.output.maxArtifacts,
    maxArtifactBytes: config.output.maxArtifactBytes,
    collectTimeoutSec: config.output.collectTimeoutSec,
    // The code and input tmpfs hold what one request may carry.
    filesBytes: config.uploads.maxBodyBytes,
    tmpBytes: config.output.tmpSizeMb * 1024 * 1024,
    runtime: config.sandboxRuntime || undefined,
    minCpus: config.limits.minCpuLimit,
    outboundNetwork: config.outbound.enabled ? config.outbound.network : undefined,
    labels,
    // Pooled sandboxes are made in the shape of a spec that sets no limit.
    pool: { ...config.pool, shape: defaultLimits(config.limits) },
  });
  return { runner, inventory: runner };
}
