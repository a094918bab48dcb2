import type { Config } from '@job-runner/config';
import { defaultLimits } from '@job-runner/jobs';
import { dockerClient, RuntimeProbe } from '@job-runner/sandbox';

/** A probe is a container start and one short Python run; this allows for a loaded engine. */
const PROBE_TIMEOUT_MS = 30_000;

/**
 * The probe of runtime images for this configuration, on its engine (DOCKER_HOST, over TLS as
 * the sandboxes' own client when DOCKER_TLS_VERIFY says so): the probes get a job's default
 * limits, run under the sandboxes' OCI runtime, and carry the queue's label so that one seen on
 * the engine says which deployment made it. null with USE_DOCKER=0.
 */
export function createRuntimeProbe(config: Config): RuntimeProbe | null {
  if (!config.useDocker) return null;
  return new RuntimeProbe(dockerClient(config.docker), {
    timeoutMs: PROBE_TIMEOUT_MS,
    limits: defaultLimits(config.limits),
    runtime: config.sandboxRuntime || undefined,
    labels: { 'job-runner.queue': config.queueName },
  });
}
