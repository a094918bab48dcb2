import { MIN_MEM_LIMIT_MB, MIN_PIDS_LIMIT, type Config } from '@job-runner/config';
import { defaultLimits } from '@job-runner/jobs';
import type { RuntimeLimits } from './runtime-view';

/**
 * The limits a job gets, from the configuration the spec schema is built from (so they are the
 * ones submissions are checked against): the operator's caps, the defaults under those caps,
 * and the floors the engine needs. The same for every runtime today; shown per runtime so a
 * client reading one runtime has all it needs.
 */
export function runtimeLimits(config: Config): RuntimeLimits {
  const caps = config.limits;
  const defaults = defaultLimits(caps);
  return {
    // The spec's floor is a whole second.
    timeout_sec: { default: defaults.timeoutSec, min: 1, max: caps.maxTimeoutSec },
    cpu_limit: { default: defaults.cpus, min: caps.minCpuLimit, max: caps.maxCpuLimit },
    mem_limit_mb: { default: defaults.memoryMb, min: MIN_MEM_LIMIT_MB, max: caps.maxMemLimitMb },
    pids_limit: { default: defaults.pids, min: MIN_PIDS_LIMIT, max: caps.maxPidsLimit },
    output: {
      max_log_bytes: config.output.maxLogBytes,
      max_artifacts: config.output.maxArtifacts,
      max_artifact_bytes: config.output.maxArtifactBytes,
      tmp_size_mb: config.output.tmpSizeMb,
    },
  };
}
