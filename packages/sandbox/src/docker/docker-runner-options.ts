import type { SandboxLimits } from '../run-request';
import type { DockerEndpoint } from './docker-endpoint';

export interface DockerRunnerOptions {
  /** The engine (its address, TLS); default: the local socket. */
  engine?: DockerEndpoint;
  /** Cap on the number of artifact files per run. Default 100. */
  maxArtifacts?: number;
  /** Size of /workspace/output, the cap on all artifacts together. Default 100 MiB. */
  maxArtifactBytes?: number;
  /** Size of /workspace/code and /workspace/input each. Default 64 MiB. */
  filesBytes?: number;
  /** Time allowed to collect the artifacts once the program has ended. Default 60 s. */
  collectTimeoutSec?: number;
  /** Size of /tmp. Default 64 MiB. */
  tmpBytes?: number;
  /** Labels put on every container (worker id, platform instance). */
  labels?: Record<string, string>;
  /** OCI runtime for sandboxes, e.g. `runsc`. Default: the engine's own. */
  runtime?: string;
  /**
   * The smallest cpu_limit jobs may ask for. Under gVisor it must be at least GVISOR_MIN_CPUS, or
   * the start check fails. Default 0.01.
   */
  minCpus?: number;
  /**
   * Docker network for `outbound` runs, created and firewalled by the runner (see
   * OutboundNetwork). Unset: `outbound` runs are refused.
   */
  outboundNetwork?: string;
  /**
   * Sandboxes made ahead of time (`net_policy: none` jobs take one): how many per image, how
   * long one may wait, and the limits they are made with (a job with others has them applied
   * before its files go in). Absent or size 0: every job makes its own on the spot.
   */
  pool?: { size: number; maxAgeSec: number; shape: SandboxLimits };
  /** iptables binaries for the egress firewall. Default `iptables`, `iptables-restore`. */
  iptables?: string;
  iptablesRestore?: string;
}
