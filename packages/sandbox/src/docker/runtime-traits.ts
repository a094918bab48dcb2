import path from 'node:path';
import type { SandboxLimits } from '../run-request';

/**
 * What the sandboxes' OCI runtime changes about how a sandbox is held. Under runc the program
 * runs on the host's kernel: the container's cgroup counts its processes, memory and CPU, and
 * the supervisor reads those figures from inside. Under gVisor (`runsc`) the program runs on
 * gVisor's own kernel, which is one more wall but changes three things (each checked on this
 * engine):
 *   - the host's cgroup counts gVisor's threads, not the program's processes (some 40 at rest,
 *     about five more per sandbox process with the ptrace platform), so the job's PID limit is
 *     held inside, by gVisor's kernel (RLIMIT_NPROC on the sandbox user: gVisor's kernel is the
 *     sandbox's own, so the count is this sandbox's alone), and the host's PID limit becomes a
 *     backstop sized for gVisor; a host limit hit makes gVisor itself fail, never the program;
 *   - no cgroup files inside: CPU time and peak memory are read from the engine (the host's
 *     cgroup of the sandbox, gVisor's own memory included), and a program over its memory limit
 *     takes the whole sandbox with it (the host kills gVisor; the engine says OOMKilled);
 *   - the engine cannot change a running sandbox's limits (`runsc` has no `update`), so a pooled
 *     sandbox only serves jobs whose memory and CPU limits are the pool's own.
 * Where the runtime is registered with `--network=none` (or shares the host's network),
 * `net_policy: outbound` cannot be given its firewalled network and is refused. Docker's seccomp
 * profile applies inside gVisor only when runsc is registered with `--oci-seccomp`; without it
 * the sandbox runner refuses to start (the profile is never dropped).
 */
export interface RuntimeTraits {
  /** The OCI runtime's name as the engine knows it; null: the engine's default (runc). */
  name: string | null;
  /** The program runs on gVisor's kernel rather than the host's. */
  gvisor: boolean;
  /** Why `net_policy: outbound` cannot run under this runtime; null when it can. */
  noOutbound: string | null;
  /** Whether the engine's seccomp profile reaches the program (runc: always). */
  seccomp: boolean;
}

export const RUNC_TRAITS: RuntimeTraits = {
  name: null,
  gvisor: false,
  noOutbound: null,
  seccomp: true,
};

/** How the engine describes one of its runtimes (`docker info` .Runtimes[name]). */
export interface EngineRuntime {
  path?: string;
  runtimeArgs?: string[];
}

/** The traits of the runtime `name` as the engine has it registered. */
export function runtimeTraits(name: string, registered: EngineRuntime): RuntimeTraits {
  const gvisor = name === 'runsc' || path.basename(registered.path ?? '') === 'runsc';
  if (!gvisor) return { name, gvisor: false, noOutbound: null, seccomp: true };
  const args = registered.runtimeArgs ?? [];
  /** The last value given to a flag (runsc takes `-flag`, `--flag`, `=value` or the next arg). */
  const flag = (flagName: string, boolean: boolean) =>
    args
      .map((a) => new RegExp(`^--?${flagName}(?:=(.*))?$`).exec(a))
      .map((m, i) => (m ? (m[1] ?? (boolean ? 'true' : (args[i + 1] ?? ''))) : null))
      .filter((v): v is string => v !== null)
      .pop();
  const network = flag('network', false);
  const seccomp = flag('oci-seccomp', true) === 'true';
  const noOutbound =
    network === 'none'
      ? `the sandbox runtime ${name} is registered with --network=none, so its sandboxes have no network at all`
      : network === 'host'
        ? `the sandbox runtime ${name} is registered with --network=host, which bypasses the platform's egress firewall`
        : null;
  return { name, gvisor: true, noOutbound, seccomp };
}

/**
 * The smallest CPU limit a gVisor sandbox is given: its own kernel does the sandbox's work (start,
 * files in, every system call) inside the limit; at 0.01 CPU a sandbox takes minutes to start.
 */
export const GVISOR_MIN_CPUS = 0.1;

/**
 * The host's PID limit of a gVisor sandbox: only a backstop against gVisor itself running away.
 * gVisor needs some 40 host tasks at rest and about 5 per live sandbox process, but with the
 * ptrace platform the count also grows with process churn (measured: a fork bomb held at 64
 * processes inside took the host's count from 550 to 1400 in 48 s, about 20 a second): a
 * sandbox that meets this limit is ended whole (see DockerRunner). Room for a default job's
 * timeout of churn, capped so that a few sandboxes cannot take the host's PIDs (32768 by default).
 */
const GVISOR_BASE_TASKS = 1024;
const GVISOR_TASKS_PER_PROCESS = 16;
const GVISOR_MAX_TASKS = 8192;

/** The host's PID limit of a sandbox whose program may have `pids` processes. */
export function hostPidsLimit(pids: number, traits: RuntimeTraits): number {
  if (!traits.gvisor) return pids;
  return Math.min(GVISOR_MAX_TASKS, GVISOR_BASE_TASKS + GVISOR_TASKS_PER_PROCESS * pids);
}

/**
 * Whether a sandbox made with `made` limits can run a job with `wanted` ones without the engine
 * changing them: under gVisor memory and CPU must be the same (the PID limit is set per program,
 * inside, and may be lower); under runc the engine changes any of them.
 */
export function servesWithoutUpdate(
  made: SandboxLimits,
  wanted: SandboxLimits,
  traits: RuntimeTraits,
): boolean {
  if (!traits.gvisor) return true;
  return made.memoryMb === wanted.memoryMb && made.cpus === wanted.cpus && wanted.pids <= made.pids;
}
