import type Docker from 'dockerode';
import type { NetPolicy, SandboxLimits } from '../run-request';
import { hostPidsLimit, RUNC_TRAITS, type RuntimeTraits } from './runtime-traits';
import { CODE_DIR, INPUT_DIR, OUTPUT_DIR, SANDBOX_UID } from './sandbox-paths';
import { COPY_IN_CMD, COPY_IN_STDIO } from './stdin-copy-in';

export interface ContainerOptionsInput {
  image: string;
  limits: SandboxLimits;
  netPolicy: NetPolicy;
  /** Network for `outbound` runs (the firewalled bridge the platform set up); required for them. */
  outboundNetwork?: string;
  /** Bytes for /workspace/code and /workspace/input each. */
  filesBytes: number;
  /** Bytes for /workspace/output: also the cap on one file (RLIMIT_FSIZE). */
  outputBytes: number;
  tmpBytes: number;
  labels: Record<string, string>;
  /** OCI runtime such as gVisor's `runsc`; default: the engine's (runc). */
  runtime?: RuntimeTraits;
  /** Container name (the engine's `name` parameter). */
  name?: string;
}

const mount = (opts: string) => `rw,noexec,nosuid,nodev,${opts}`;

/**
 * The hardened container every job runs in. PID 1 (behind Docker's init, which reaps what the
 * program leaves) unpacks the job's files from its stdin, then idles while the program runs and
 * artifacts come out through `exec`: that way every workspace directory is a size-bounded tmpfs
 * and no host path is mounted.
 */
export function containerOptions(input: ContainerOptionsInput): Docker.ContainerCreateOptions {
  const outbound = input.netPolicy === 'outbound';
  // Never Docker's default bridge: it has no egress firewall.
  if (outbound && !input.outboundNetwork)
    throw new Error("an outbound sandbox needs the platform's firewalled network");
  return {
    ...(input.name ? { name: input.name } : {}),
    Image: input.image,
    Cmd: COPY_IN_CMD,
    Entrypoint: [],
    // PID 1 idles as root (without any capability) so that the sandbox user, who may kill
    // every process of its own uid, cannot end the container; every exec names its user.
    User: '0:0',
    WorkingDir: CODE_DIR,
    // Only what the image defines; the program's environment is set per exec.
    Env: [],
    Labels: input.labels,
    NetworkDisabled: input.netPolicy === 'none',
    ...COPY_IN_STDIO,
    Tty: false,
    HostConfig: {
      Privileged: false,
      PublishAllPorts: false,
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      // Docker's default seccomp profile stays on: we add to it, never replace it.
      SecurityOpt: ['no-new-privileges:true'],
      ...limitsUpdate(input.limits, input.runtime),
      Ulimits: [
        { Name: 'nofile', Soft: 1024, Hard: 1024 },
        { Name: 'fsize', Soft: input.outputBytes, Hard: input.outputBytes },
        { Name: 'core', Soft: 0, Hard: 0 },
      ],
      IpcMode: 'private',
      Init: true,
      NetworkMode: outbound ? input.outboundNetwork : 'none',
      // The egress firewall is IPv4; an outbound sandbox gets no IPv6 at all (not even a
      // link-local address that could reach the host over the bridge).
      ...(outbound ? { Sysctls: { 'net.ipv6.conf.all.disable_ipv6': '1' } } : {}),
      // /dev/shm (IPC private) is writable for multiprocessing; bound it like /tmp.
      ShmSize: input.tmpBytes,
      AutoRemove: false,
      LogConfig: { Type: 'none', Config: {} },
      Tmpfs: {
        '/tmp': mount(`size=${input.tmpBytes}`),
        [CODE_DIR]: mount(`size=${input.filesBytes},mode=755`),
        [INPUT_DIR]: mount(`size=${input.filesBytes},mode=755`),
        [OUTPUT_DIR]: mount(
          `size=${input.outputBytes},mode=700,uid=${SANDBOX_UID},gid=${SANDBOX_UID}`,
        ),
      },
      ...(input.runtime?.name ? { Runtime: input.runtime.name } : {}),
    },
  };
}

/**
 * The resource limits of a sandbox, as both create and update take them: the engine can change
 * them on a running container, which is how a pooled sandbox takes on a job's own limits.
 */
export function limitsUpdate(limits: SandboxLimits, runtime: RuntimeTraits = RUNC_TRAITS) {
  const memory = limits.memoryMb * 1024 * 1024;
  return {
    Memory: memory,
    MemorySwap: memory, // no swap beyond the limit
    NanoCpus: Math.round(limits.cpus * 1e9),
    // Under gVisor the program's own limit is held inside (see RuntimeTraits).
    PidsLimit: hostPidsLimit(limits.pids, runtime),
  };
}
