import type Docker from 'dockerode';
import { pipeline } from 'node:stream/promises';
import { DockerFrames, type FrameSink } from './docker-frames';

export interface ExecOptions {
  cmd: string[];
  user: string;
  env?: string[];
  workingDir?: string;
  /** Attach the process's stdin (the supervisor reads its job from it). */
  stdin?: boolean;
}

export interface ExecHandle {
  /** Settles when the exec's output has ended, or was cut. */
  readonly done: Promise<void>;
  /** True once the output has ended (the process is gone, or the stream was cut). */
  readonly ended: boolean;
  /** Where the output goes from now on; a returned promise holds the stream (backpressure). */
  setSink(sink: FrameSink): void;
  /** Writes to the process's stdin (an exec started with `stdin`). */
  write(text: string): void;
  /** Stops reading: the caller has killed the process or the container. */
  cut(): void;
  /** The process's exit code, asked of the engine (one more round trip); null if unknown. */
  exitCode(maxWaitMs: number): Promise<number | null>;
}

/**
 * Starts a command in a running container. Two engine round trips (create, start); the output
 * then flows through the hijacked connection, demultiplexed with backpressure, to whatever sink
 * is set (nothing until one is: a pooled supervisor starts before its job).
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
    AttachStdin: Boolean(opts.stdin),
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = await exec.start({ hijack: true, stdin: Boolean(opts.stdin) });
  // A stream cut on purpose (cancel, the container killed) errors: that is an ending.
  stream.on('error', () => undefined);
  let sink: FrameSink = () => undefined;
  let cut = false;
  let ended = false;
  const done = pipeline(stream, new DockerFrames((s, c) => sink(s, c)))
    .catch((err: unknown) => {
      if (!cut) throw err;
    })
    .finally(() => (ended = true));
  // Settled below by whoever awaits it; not unhandled meanwhile.
  done.catch(() => undefined);
  return {
    done,
    get ended() {
      return ended;
    },
    setSink(next) {
      sink = next;
    },
    write(text) {
      stream.write(text);
    },
    cut() {
      cut = true;
      stream.destroy();
    },
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
