import { WORKSPACE } from './sandbox-paths';

/** What PID 1 prints once the job's files are unpacked, or when they could not be. */
export const FILES_IN = 'job-runner: files in';
export const FILES_FAILED = 'job-runner: files failed';

/**
 * PID 1 of every sandbox: unpack the job's files from stdin, say how that went, then idle.
 * Sending the files over the container's own stdin instead of a separate `exec` saves one
 * engine round trip per job, and lets a pooled sandbox wait for a job that does not exist yet.
 * It runs as root without capabilities: it may write the root-owned code and input tmpfs, the
 * sandbox user may not. `exec` leaves `sleep` as the idle process.
 */
export const COPY_IN_CMD = [
  'sh',
  '-c',
  `if tar -x --no-same-owner --no-same-permissions -C ${WORKSPACE} -f -; ` +
    `then echo '${FILES_IN}'; else echo '${FILES_FAILED}' >&2; fi; exec sleep infinity`,
];

/** Container settings that give PID 1 a stdin that closes when our archive ends. */
export const COPY_IN_STDIO = {
  OpenStdin: true,
  StdinOnce: true,
  AttachStdin: true,
  AttachStdout: true,
  AttachStderr: true,
} as const;
