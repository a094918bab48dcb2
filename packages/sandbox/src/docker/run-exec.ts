import type Docker from 'dockerode';
import { pipeline } from 'node:stream/promises';
import { DockerFrames, type FrameSink } from './docker-frames';

export interface ExecOptions {
  cmd: string[];
  user: string;
  env?: string[];
  workingDir?: string;
  /** Every piece of stdout and stderr; a returned promise holds the stream (backpressure). */
  sink?: FrameSink;
  /** Called once the process is running. */
  onStarted?: () => void;
  /** Ends the wait for the stream (the caller has killed the process or the container). */
  signal?: AbortSignal;
}

export interface ExecHandle {
  /** Settles when the exec's output has ended (or the signal gave up on it). */
  done: Promise<void>;
  /** The process's exit code, asked of the engine (one more round trip); null if unknown. */
  exitCode(maxWaitMs: number): Promise<number | null>;
}

/**
 * Starts a command in a running container. Two engine round trips (create, start); the output
 * then flows through the hijacked connection, demultiplexed with backpressure.
 */
export async function startExec(
  container: Docker.Container,
  opts: ExecOptions,
): Promise<ExecHandle> {
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
  const stream = await exec.start({ hijack: true, stdin: false });
  opts.onStarted?.();
  const sink: FrameSink = opts.sink ?? (() => undefined);
  const frames = new DockerFrames(sink);
  const flowing = pipeline(stream, frames).catch((err: unknown) => {
    // A stream cut on purpose (cancel, the container killed) is an ending, not a failure.
    if (opts.signal?.aborted) return;
    throw err;
  });
  const done = opts.signal
    ? Promise.race([
        flowing,
        new Promise<void>((resolve) => {
          if (opts.signal!.aborted) resolve();
          opts.signal!.addEventListener('abort', () => resolve(), { once: true });
        }),
      ]).finally(() => {
        if (opts.signal!.aborted) stream.destroy();
      })
    : flowing;
  return {
    done,
    async exitCode(maxWaitMs: number) {
      // The stream can end a moment before the engine records the exit (or, on a loaded engine,
      // well before): ask until it has, within the wait given.
      const deadline = Date.now() + maxWaitMs;
      for (let delay = 5; ; delay = Math.min(delay * 2, 250)) {
        const info = await exec.inspect();
        if (!info.Running) return info.ExitCode;
        if (Date.now() >= deadline) return null;
        await new Promise((r) => setTimeout(r, delay));
      }
    },
  };
}

/** Runs a command to its end and answers its exit code (the kill, probes). */
export async function runExec(
  container: Docker.Container,
  opts: ExecOptions,
  maxWaitMs = 30_000,
): Promise<number | null> {
  const handle = await startExec(container, opts);
  await handle.done;
  return handle.exitCode(maxWaitMs);
}
