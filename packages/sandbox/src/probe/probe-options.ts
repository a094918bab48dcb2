import type Docker from 'dockerode';
import { containerOptions } from '../docker/container-options';
import type { RuntimeTraits } from '../docker/runtime-traits';
import { CODE_DIR, SANDBOX_UID } from '../docker/sandbox-paths';
import { probeSandboxName, SANDBOX_LABEL } from '../docker/sandbox-names';
import type { SandboxLimits } from '../run-request';
import { PROBE_CMD } from './probe-script';

const MiB = 1024 * 1024;

export interface ProbeOptionsInput {
  /** The image to probe, by id (so the report is about exactly the image inspected). */
  imageId: string;
  /** A job's limits (memory, CPU, PIDs) are the probe's too. */
  limits: SandboxLimits;
  /** OCI runtime of the sandboxes (e.g. runsc): the probe runs where jobs run. */
  runtime?: RuntimeTraits;
  labels?: Record<string, string>;
}

/**
 * The probe's container: a job's sandbox exactly (every setting of containerOptions: read-only
 * root, no capability, no-new-privileges, no network, limits, tmpfs, the OCI runtime), with only
 * what it runs changed. Its one process is the probe, as the unprivileged sandbox user, with no
 * stdin; nothing goes in, one line comes out. The engine removes it when it exits, so a probe
 * whose caller died leaves nothing behind.
 */
export function probeOptions(input: ProbeOptionsInput): Docker.ContainerCreateOptions {
  const job = containerOptions({
    name: probeSandboxName(),
    image: input.imageId,
    limits: input.limits,
    netPolicy: 'none',
    filesBytes: MiB,
    outputBytes: MiB,
    tmpBytes: 16 * MiB,
    labels: { ...input.labels, [SANDBOX_LABEL]: 'probe' },
    runtime: input.runtime,
  });
  return {
    ...job,
    Cmd: PROBE_CMD,
    User: `${SANDBOX_UID}:${SANDBOX_UID}`,
    WorkingDir: CODE_DIR,
    OpenStdin: false,
    StdinOnce: false,
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    HostConfig: { ...job.HostConfig, AutoRemove: true },
  };
}
