import type Docker from 'dockerode';
import { SandboxErrorCode } from '../errors/sandbox-error-code';
import { SandboxPlatformError } from '../errors/sandbox-platform-error';
import { platformError } from './platform-error';
import {
  RUNC_TRAITS,
  runtimeTraits,
  type EngineRuntime,
  type RuntimeTraits,
} from './runtime-traits';

/** What `docker info` says of the engine's runtimes and CPUs. */
export interface EngineInfo {
  Runtimes?: Record<string, EngineRuntime>;
  NCPU?: number;
}

/** Why `name` cannot be used: the engine does not know it, and what it knows instead. */
export function unknownRuntime(name: string, info: EngineInfo): SandboxPlatformError {
  const known = Object.keys(info.Runtimes ?? {});
  return new SandboxPlatformError(
    SandboxErrorCode.RuntimeUnknown,
    `sandbox runtime ${name} is not known to the Docker engine (it has: ${known.join(', ') || 'none'}); ` +
      'register it in /etc/docker/daemon.json and reload the engine (README: "A second wall: gVisor")',
  );
}

/** The traits of `name` as registered in `info`; throws RUNTIME_UNKNOWN when it is not. */
export function traitsFromInfo(name: string | undefined, info: EngineInfo): RuntimeTraits {
  if (!name) return RUNC_TRAITS;
  const registered = info.Runtimes?.[name];
  if (!registered) throw unknownRuntime(name, info);
  return runtimeTraits(name, registered);
}

/** Asks the engine how the runtime `name` is registered (none: the engine's default, runc). */
export async function engineRuntimeTraits(
  docker: Docker,
  name: string | undefined,
): Promise<RuntimeTraits> {
  if (!name) return RUNC_TRAITS;
  let info: EngineInfo;
  try {
    info = (await docker.info()) as EngineInfo;
  } catch (err) {
    throw platformError('answer', err);
  }
  return traitsFromInfo(name, info);
}
