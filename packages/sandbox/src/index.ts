export type { RunRequest, SandboxLimits, NetPolicy, OutputStreamName } from './run-request';
export type { RunResult, RunVerdict, ArtifactInfo } from './run-result';
export type { SandboxCheck, SandboxRunner } from './sandbox-runner';
export type { SandboxInfo, SandboxInventory } from './sandbox-inventory';
export { SandboxErrorCode } from './errors/sandbox-error-code';
export { SandboxPlatformError } from './errors/sandbox-platform-error';
export { OutboundUnavailableError } from './errors/outbound-unavailable-error';
export { DockerRunner } from './docker/docker-runner';
export {
  GVISOR_MIN_CPUS,
  hostPidsLimit,
  runtimeTraits,
  RUNC_TRAITS,
} from './docker/runtime-traits';
export type { RuntimeTraits } from './docker/runtime-traits';
export type { DockerRunnerOptions } from './docker/docker-runner-options';
export { dockerClient } from './docker/docker-client';
export { isTcpEndpoint } from './docker/docker-endpoint';
export type { DockerEndpoint } from './docker/docker-endpoint';
export { SANDBOX_LABEL, jobNameFilter } from './docker/sandbox-names';
export { LocalRunner } from './local/local-runner';
export type { LocalRunnerOptions } from './local/local-runner';
export * as sandboxPaths from './docker/sandbox-paths';
export { OutboundNetwork } from './network/outbound-network';
export type { OutboundNetworkOptions } from './network/outbound-network';
export { egressNames } from './network/egress-rules';
export { RuntimeProbe } from './probe/runtime-probe';
export type { RuntimeProbeOptions } from './probe/runtime-probe';
export type { RuntimeFacts, RuntimePackage } from './probe/runtime-facts';
export { inSpan, jobTracer, startSpan } from './tracing/in-span';
