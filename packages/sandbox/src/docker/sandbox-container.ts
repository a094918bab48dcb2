import type Docker from 'dockerode';
import type { Duplex, Readable } from 'node:stream';
import { SandboxErrorCode } from '../errors/sandbox-error-code';
import { SandboxPlatformError } from '../errors/sandbox-platform-error';
import type { SandboxLimits } from '../run-request';
import { DockerFrames } from './docker-frames';
import { limitsUpdate } from './container-options';
import { platformError } from './platform-error';
import { FILES_FAILED, FILES_IN } from './stdin-copy-in';
import { startExec, type ExecHandle } from './run-exec';
import { CODE_DIR, SANDBOX_UID } from './sandbox-paths';
import { SUPERVISOR_CMD } from './sandbox-scripts';

/** The unprivileged user the supervisor, and so the program, runs as. */
export const SUPERVISOR_USER = `${SANDBOX_UID}:${SANDBOX_UID}`;

/**
 * One sandbox container, created, attached and started: its PID 1 waits for the job's files on
 * its stdin. It may sit in a pool before a job takes it; it is used for one job only and then
 * removed.
 */
/** When a container is looked at to confirm it is still up: at once, then twice more. */
const CONFIRM_WATCH_MS = [0, 400, 800];

/** The part of the engine's stats we read (cgroup v1 names; v2 has no max_usage). */
interface EngineStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { max_usage?: number };
}

export class SandboxContainer {
  /** Settles when PID 1's stdio closes: the files are in, or the container is gone. */
  private readonly stdioClosed: Promise<void>;
  private stdioOpen = true;
  private out = '';
  private err = '';
  private onOutput: (() => void) | null = null;
  /** The supervisor exec waiting for its job (started ahead for a pooled sandbox). */
  private supervisor: Promise<ExecHandle> | null = null;

  private constructor(
    readonly container: Docker.Container,
    private readonly stdio: Duplex,
    readonly createdAt: number,
    /** The limits the container was made with (a pool's shape until a job changes them). */
    public limits: SandboxLimits,
  ) {
    this.stdioClosed = new Promise<void>((resolve) => {
      const closed = () => {
        this.stdioOpen = false;
        this.onOutput?.();
        resolve();
      };
      stdio.once('end', closed);
      stdio.once('close', closed);
      // A socket error ends it too; it must not go unhandled.
      stdio.on('error', closed);
    });
    // What PID 1 says (the unpack's outcome) is small; keep it for sendFiles.
    const frames = new DockerFrames((stream, chunk) => {
      if (stream === 'stdout') this.out += chunk.toString();
      else if (this.err.length < 4096) this.err += chunk.toString();
      this.onOutput?.();
    });
    stdio.pipe(frames);
    frames.on('error', () => stdio.destroy());
  }

  get id(): string {
    return this.container.id;
  }

  /**
   * True while PID 1 still waits for files and the supervisor (if started) still waits for its
   * job: a pooled sandbox where either died is not usable.
   */
  get alive(): boolean {
    return this.stdioOpen && this.out === '' && !this.supervisorEnded;
  }

  private supervisorEnded = false;

  /**
   * The supervisor exec of this sandbox, started once (ahead of its job for a pooled sandbox,
   * beside the files for a cold one); it waits for one line on its stdin.
   */
  startSupervisor(): Promise<ExecHandle> {
    this.supervisor ??= startExec(this.container, {
      cmd: SUPERVISOR_CMD,
      user: SUPERVISOR_USER,
      workingDir: CODE_DIR,
      stdin: true,
    }).then((handle) => {
      void handle.done.finally(() => (this.supervisorEnded = true)).catch(() => undefined);
      return handle;
    });
    return this.supervisor;
  }

  /**
   * Creates, attaches and starts a container. Attached before it starts, so no byte PID 1
   * writes is missed; the container is removed again if anything after the create fails.
   */
  static async start(
    docker: Docker,
    options: Docker.ContainerCreateOptions,
    limits: SandboxLimits,
  ): Promise<SandboxContainer> {
    let container: Docker.Container;
    try {
      container = await docker.createContainer(options);
    } catch (err) {
      throw platformError('create the sandbox container', err, options.Image);
    }
    try {
      const stdio = (await container.attach({
        stream: true,
        stdin: true,
        stdout: true,
        stderr: true,
        hijack: true,
      })) as Duplex;
      const box = new SandboxContainer(container, stdio, Date.now(), limits);
      try {
        await container.start();
      } catch (err) {
        stdio.destroy();
        throw err;
      }
      return box;
    } catch (err) {
      await container.remove({ force: true, v: true }).catch(() => undefined);
      throw platformError('start the sandbox container', err, options.Image);
    }
  }

  /** Applies a job's limits when they differ from those the container was made with. */
  async applyLimits(limits: SandboxLimits): Promise<void> {
    const current = this.limits;
    if (
      current.cpus === limits.cpus &&
      current.memoryMb === limits.memoryMb &&
      current.pids === limits.pids
    )
      return;
    try {
      await this.container.update(limitsUpdate(limits));
    } catch (err) {
      throw platformError("apply the job's limits to the sandbox", err);
    }
    this.limits = limits;
  }

  /** Names the sandbox after its job (pooled sandboxes are made before their job exists). */
  async rename(name: string): Promise<void> {
    try {
      await this.container.rename({ name });
    } catch (err) {
      throw platformError('name the sandbox after its job', err);
    }
  }

  /**
   * Streams the job's files (a tar archive) into PID 1, which unpacks them into the code and
   * input tmpfs and says how it went. Rejects with tar's own words when it could not, or when the
   * sandbox went away.
   */
  async sendFiles(archive: Readable): Promise<void> {
    const settled = new Promise<void>((resolve, reject) => {
      const check = () => {
        if (this.out.includes(FILES_IN)) return finish(null);
        if (this.err.includes(FILES_FAILED))
          return finish(this.err.replace(FILES_FAILED, '').trim() || 'tar failed');
        if (!this.stdioOpen) finish('the sandbox closed its input before the files were in');
      };
      const finish = (problem: string | null) => {
        this.onOutput = null;
        if (problem === null) return resolve();
        archive.destroy();
        reject(
          new SandboxPlatformError(
            SandboxErrorCode.FilesNotCopied,
            `copying files into the sandbox failed: ${problem}`,
          ),
        );
      };
      this.onOutput = check;
      archive.on('error', (e: Error) => finish(`reading the job's files: ${e.message}`));
      check();
    });
    archive.pipe(this.stdio);
    try {
      await settled;
    } finally {
      // tar has read the archive's end (or given up): nothing more is owed to the sandbox.
      archive.unpipe(this.stdio);
      this.stdio.destroy();
    }
  }

  /**
   * Throws a platform error unless the container stays running over a short watch (the
   * engine's own record of a stop lags the processes' end by a moment): a run that lost its
   * processes to the engine (stopping, restarting) is the platform's failure, not the program's.
   */
  async confirmRunning(what: string): Promise<void> {
    for (const waitMs of CONFIRM_WATCH_MS) {
      if (waitMs) await new Promise((r) => setTimeout(r, waitMs));
      let running: boolean;
      try {
        running = (await this.container.inspect()).State.Running;
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode !== 404)
          throw platformError(`${what} (checking the sandbox)`, err);
        running = false;
      }
      if (!running)
        throw new SandboxPlatformError(
          SandboxErrorCode.EngineFailed,
          `the sandbox stopped under the program while trying to ${what}`,
        );
    }
  }

  /**
   * The container's CPU time and peak memory as the engine's cgroup counts them (one-shot stats,
   * no second sample); nulls where it says nothing (a stopped container, cgroup v2 has no peak).
   * Under gVisor this is the only place they can be read: nothing of the host's cgroup shows
   * inside, and the count includes gVisor's own kernel.
   */
  async usage(): Promise<{ cpuNs: number | null; peakBytes: number | null }> {
    try {
      const stats = (await this.container.stats({
        stream: false,
        'one-shot': true,
      })) as unknown as EngineStats;
      const cpu = stats.cpu_stats?.cpu_usage?.total_usage;
      const peak = stats.memory_stats?.max_usage;
      return {
        cpuNs: typeof cpu === 'number' && cpu > 0 ? cpu : null,
        peakBytes: typeof peak === 'number' && peak > 0 ? peak : null,
      };
    } catch {
      return { cpuNs: null, peakBytes: null };
    }
  }

  /**
   * Whether the container has stopped because the host's kernel killed it at its memory limit.
   * Under gVisor that is how a program over its limit ends: the host kills gVisor, and with it
   * the whole sandbox (supervisor, files, artifacts); the engine records it as OOMKilled. With
   * `watch`, a container still running is looked at twice more (the engine's record of the stop
   * lags the processes' end by a moment); else once.
   */
  async endedByOom(watch: boolean): Promise<boolean> {
    for (const waitMs of watch ? CONFIRM_WATCH_MS : [0]) {
      if (waitMs) await new Promise((r) => setTimeout(r, waitMs));
      try {
        const { State } = await this.container.inspect();
        if (!State.Running) return State.OOMKilled === true;
      } catch {
        return false;
      }
    }
    return false;
  }

  /**
   * The exit code of a container that stopped on its own: not running, not killed at its memory
   * limit, and not by a signal (a kill, ours or the engine's, ends it with 137 or 143). Null
   * otherwise, or when the engine cannot say.
   */
  async endedOnItsOwn(): Promise<number | null> {
    try {
      const { State } = await this.container.inspect();
      if (State.Running || State.OOMKilled || [0, 137, 143].includes(State.ExitCode)) return null;
      return State.ExitCode;
    } catch {
      return null;
    }
  }

  /**
   * Resolves when the engine says the container has stopped; stays pending when it cannot say
   * (a lost connection is no proof of a stop). One long-polling request while it runs.
   */
  stopped(): Promise<void> {
    return (this.container.wait({ condition: 'not-running' }) as Promise<unknown>).then(
      () => undefined,
      () => new Promise<void>(() => undefined),
    );
  }

  /** Kills every process of the container at once (cancel, a backstop); gone already is fine. */
  async kill(): Promise<void> {
    await this.container.kill().catch(() => undefined);
  }

  /** Kills and removes the container; one already gone is not an error. */
  async remove(): Promise<void> {
    this.stdio.destroy();
    void this.supervisor?.then(
      (s) => s.cut(),
      () => undefined,
    );
    await this.stdioClosed.catch(() => undefined);
    try {
      await this.container.remove({ force: true, v: true });
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404 || status === 409) return;
      throw platformError('remove a sandbox container', err);
    }
  }
}
