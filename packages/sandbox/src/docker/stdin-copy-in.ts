import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { SandboxPlatformError } from '../errors/sandbox-platform-error';
import { chunkSink } from './chunk-sink';
import { WORKSPACE } from './sandbox-paths';

const DONE = 'job-runner: files in';
const FAILED = 'job-runner: files failed';

/**
 * PID 1 of every sandbox: unpack the job's files from stdin, say how that went, then idle.
 * Sending the files over the container's own stdin instead of a separate `exec` saves one
 * engine round trip per job (~70 ms of ~500). It runs as root without capabilities: it may
 * write the root-owned code and input tmpfs, the sandbox user may not. `exec` leaves `sleep`
 * as the idle process, as before.
 */
export const COPY_IN_CMD = [
  'sh',
  '-c',
  `if tar -x --no-same-owner --no-same-permissions -C ${WORKSPACE} -f -; ` +
    `then echo '${DONE}'; else echo '${FAILED}' >&2; fi; exec sleep infinity`,
];

/** Container settings that give PID 1 a stdin that closes when our archive ends. */
export const COPY_IN_STDIO = {
  OpenStdin: true,
  StdinOnce: true,
  AttachStdin: true,
  AttachStdout: true,
  AttachStderr: true,
} as const;

/** The attached stdio of a sandbox: attach before start, so no byte of PID 1 is missed. */
export type SandboxStdio = NodeJS.ReadWriteStream & { destroy(err?: Error): void };

export async function attachStdio(container: Docker.Container): Promise<SandboxStdio> {
  const stdio = (await container.attach({
    stream: true,
    stdin: true,
    stdout: true,
    stderr: true,
    hijack: true,
  })) as SandboxStdio;
  // Destroyed by us once the files are in; a late socket error must not go unhandled.
  stdio.on('error', () => undefined);
  return stdio;
}

/**
 * Streams `archive` into the started sandbox's PID 1 and resolves once it reports the files
 * unpacked; rejects with tar's own words when it could not, or when the sandbox went away.
 */
export function sendFiles(
  container: Docker.Container,
  stdio: SandboxStdio,
  archive: Readable,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let out = '';
    let err = '';
    let settled = false;
    const settle = (problem: string | null) => {
      if (settled) return;
      settled = true;
      // tar has read the archive's end (or given up), so nothing more is owed to the sandbox.
      stdio.destroy();
      if (problem === null) return resolve();
      archive.destroy();
      reject(new SandboxPlatformError(`copying files into the sandbox failed: ${problem}`));
    };
    const stdout = chunkSink((chunk) => {
      out += chunk.toString();
      if (out.includes(DONE)) settle(null);
    });
    const stderr = chunkSink((chunk) => {
      err += chunk.toString();
      if (err.includes(FAILED)) settle(err.replace(FAILED, '').trim() || 'tar failed');
    });
    container.modem.demuxStream(stdio, stdout, stderr);
    for (const ended of ['end', 'close'])
      stdio.on(ended, () => settle('the sandbox closed its input before the files were in'));
    stdio.on('error', (e: Error) => settle(`the sandbox's input broke: ${e.message}`));
    archive.on('error', (e: Error) => settle(`reading the job's files: ${e.message}`));
    archive.pipe(stdio);
  });
}
