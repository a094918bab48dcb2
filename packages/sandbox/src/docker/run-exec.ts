import type Docker from 'dockerode';
import type { Writable } from 'node:stream';
import { chunkSink } from './chunk-sink';

export interface ExecOptions {
  cmd: string[];
  user: string;
  env?: string[];
  workingDir?: string;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Receives the raw stdout stream instead of chunks (for archives); demuxed. */
  stdoutSink?: Writable;
  /** Called once the process is running, with a way to wait for its end. */
  onStarted?: () => void;
}

/** Longer than any run may last (600 s) plus the kill's grace. */
const MAX_EXIT_WAIT_MS = 11 * 60 * 1000;

/** Runs a command in a running container and resolves with its exit code once it has ended. */
export async function runExec(
  container: Docker.Container,
  opts: ExecOptions,
): Promise<number | null> {
  const exec = await container.exec({
    Cmd: opts.cmd,
    User: opts.user,
    Env: opts.env,
    WorkingDir: opts.workingDir,
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = (await exec.start({ hijack: true, stdin: false })) as NodeJS.ReadableStream &
    NodeJS.EventEmitter;
  opts.onStarted?.();
  const stdout = opts.stdoutSink ?? chunkSink(opts.onStdout);
  const stderr = chunkSink(opts.onStderr);
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
    container.modem.demuxStream(stream, stdout, stderr);
  });
  if (opts.stdoutSink) opts.stdoutSink.end();
  // The stream can end before the process does: a moment before the engine records the exit
  // code, or (seen on a loaded engine) long before, while the program still runs. Wait for the
  // process itself; a run's timeout still ends it, and past the longest possible run we give up.
  const deadline = Date.now() + MAX_EXIT_WAIT_MS;
  for (let delay = 10; Date.now() < deadline; delay = Math.min(delay * 2, 250)) {
    const info = await exec.inspect();
    if (!info.Running) return info.ExitCode;
    await new Promise((r) => setTimeout(r, delay));
  }
  return null;
}
