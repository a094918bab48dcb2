import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { extractArtifacts } from '../archive/extract-artifacts';
import { packDirectories } from '../archive/pack-files';
import { SandboxPlatformError } from '../errors/sandbox-platform-error';
import type { RunRequest } from '../run-request';
import type { ArtifactInfo, RunResult, RunVerdict } from '../run-result';
import type { SandboxRunner } from '../sandbox-runner';
import type { SandboxInfo, SandboxInventory } from '../sandbox-inventory';
import { sandboxEnv, toEnvList } from '../sandbox-env';
import { OutboundNetwork } from '../network/outbound-network';
import { OutboundUnavailableError } from '../network/outbound-unavailable-error';
import { now } from '../timer';
import { containerOptions } from './container-options';
import { dockerClient } from './docker-client';
import type { DockerRunnerOptions } from './docker-runner-options';
import { platformError } from './platform-error';
import { runExec } from './run-exec';
import { attachStdio, sendFiles, type SandboxStdio } from './stdin-copy-in';
import { CODE_DIR, INPUT_DIR, OUTPUT_DIR, SANDBOX_UID } from './sandbox-paths';

const MiB = 1024 * 1024;
const USER = `${SANDBOX_UID}:${SANDBOX_UID}`;
/** How long a killed program may take to be gone before its container is killed instead. */
const KILL_GRACE_MS = 15_000;
/** Label on every sandbox container; its value is the job id. */
export const JOB_LABEL = 'job-runner.job-id';

/**
 * Runs each job in its own hardened container, removed in a `finally` whatever happens.
 * Files cross the boundary only as tar streams (in through PID 1's stdin, out through `exec`),
 * so this works the same when the worker itself runs in a container that talks to the host's
 * engine.
 */
export class DockerRunner implements SandboxRunner, SandboxInventory {
  readonly kind = 'docker' as const;
  readonly docker: Docker;
  /** The firewalled bridge of `outbound` runs; null when none is configured. */
  readonly outbound: OutboundNetwork | null;

  constructor(private readonly opts: DockerRunnerOptions = {}) {
    this.docker = dockerClient(opts.dockerHost);
    this.outbound = opts.outboundNetwork
      ? new OutboundNetwork(this.docker, {
          name: opts.outboundNetwork,
          iptables: opts.iptables,
          iptablesRestore: opts.iptablesRestore,
        })
      : null;
  }

  /**
   * Sets up what runs need before the first one: the outbound network and its firewall. Never
   * throws; returns remarks for the operator's log (outbound runs stay refused until it works).
   */
  async prepare(): Promise<string[]> {
    if (!this.outbound) return ['net_policy outbound is switched off: such jobs are refused'];
    try {
      await this.outbound.ensure();
      return [];
    } catch (err) {
      return [`${(err as Error).message}; outbound jobs are refused until this is fixed`];
    }
  }

  async check(image: string): Promise<void> {
    try {
      await this.docker.ping();
    } catch (err) {
      throw platformError('answer a ping', err);
    }
    try {
      await this.docker.getImage(image).inspect();
    } catch (err) {
      throw platformError(`find image ${image}`, err, image);
    }
    if (this.opts.runtime) {
      const info = (await this.docker.info().catch((err: unknown) => {
        throw platformError('describe itself', err);
      })) as { Runtimes?: Record<string, unknown> };
      const known = Object.keys(info.Runtimes ?? {});
      if (!known.includes(this.opts.runtime))
        throw new SandboxPlatformError(
          `sandbox runtime ${this.opts.runtime} is not known to the Docker engine (it has: ${known.join(', ') || 'none'})`,
        );
    }
  }

  /** Sandboxes of this platform (JOB_LABEL) that also carry `labelKey`, running or not. */
  async listSandboxes(labelKey: string): Promise<SandboxInfo[]> {
    let list: Docker.ContainerInfo[];
    try {
      list = await this.docker.listContainers({
        all: true,
        filters: { label: [JOB_LABEL, labelKey] },
      });
    } catch (err) {
      throw platformError('list sandbox containers', err);
    }
    return list.map((c) => ({ id: c.Id, labels: c.Labels ?? {}, createdMs: c.Created * 1000 }));
  }

  /** Kills and removes one sandbox; one already gone is not an error. */
  async removeSandbox(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (err) {
      // Gone already, or being removed by someone else: either way it is going.
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404 || status === 409) return;
      throw platformError('remove a sandbox container', err);
    }
  }

  async run(req: RunRequest): Promise<RunResult> {
    const maxArtifactBytes = this.opts.maxArtifactBytes ?? 100 * MiB;
    if (req.netPolicy === 'outbound') {
      // Checked before every outbound run (rules can be flushed under us): refuse, never run open.
      if (!this.outbound)
        throw new OutboundUnavailableError('no outbound network is configured for this worker');
      await this.outbound.ensure();
    }
    let container: Docker.Container;
    try {
      container = await this.docker.createContainer(
        containerOptions({
          image: req.image,
          limits: req.limits,
          netPolicy: req.netPolicy,
          outboundNetwork: this.outbound?.name,
          filesBytes: this.opts.filesBytes ?? 64 * MiB,
          outputBytes: maxArtifactBytes,
          tmpBytes: this.opts.tmpBytes ?? 64 * MiB,
          labels: { ...this.opts.labels, ...req.labels, [JOB_LABEL]: req.jobId },
          runtime: this.opts.runtime,
        }),
      );
    } catch (err) {
      throw platformError('create the sandbox container', err, req.image);
    }
    let stdio: SandboxStdio | null = null;
    try {
      try {
        stdio = await attachStdio(container);
        await container.start();
      } catch (err) {
        throw platformError('start the sandbox container', err, req.image);
      }
      await sendFiles(
        container,
        stdio,
        packDirectories([
          { prefix: 'code', dir: req.codeDir },
          { prefix: 'input', dir: req.inputDir },
        ]),
      );
      const run = await this.runProgram(container, req);
      // A canceled run's artifacts are not wanted; its container goes at once.
      const collected =
        run.verdict === 'canceled'
          ? { oomKilled: false, peakMemoryBytes: null, artifacts: [] }
          : await this.collect(container, req, {
              maxFiles: this.opts.maxArtifacts ?? 100,
              maxBytes: maxArtifactBytes,
            });
      const verdict: RunVerdict =
        run.verdict ??
        (run.exitCode === 0
          ? 'succeeded'
          : run.exitCode === 137 && collected.oomKilled
            ? 'oom'
            : 'non-zero exit');
      return {
        verdict,
        exitCode: run.verdict ? null : run.exitCode,
        durationMs: run.durationMs,
        peakMemoryBytes: collected.peakMemoryBytes,
        artifacts: collected.artifacts,
      };
    } finally {
      stdio?.destroy();
      await container.remove({ force: true, v: true }).catch(() => undefined);
    }
  }

  private async runProgram(
    container: Docker.Container,
    req: RunRequest,
  ): Promise<{ exitCode: number | null; verdict: RunVerdict | null; durationMs: number }> {
    let verdict: RunVerdict | null = null;
    let started = now();
    let timer: NodeJS.Timeout | undefined;
    let backstop: NodeJS.Timeout | undefined;
    let killing: Promise<void> = Promise.resolve();
    const stop = (why: RunVerdict) => {
      if (verdict) return;
      verdict = why;
      killing = this.killProgram(container);
      // Should the program still not be gone, the container goes: a run never outlives its limit.
      backstop = setTimeout(() => void container.kill().catch(() => undefined), KILL_GRACE_MS);
    };
    const onAbort = () => stop('canceled');
    if (req.signal?.aborted) return { exitCode: null, verdict: 'canceled', durationMs: 0 };
    req.signal?.addEventListener('abort', onAbort);
    try {
      const exitCode = await runExec(container, {
        cmd: ['python3', `${CODE_DIR}/${req.entry}`, ...req.args],
        user: USER,
        workingDir: CODE_DIR,
        env: toEnvList(sandboxEnv(req.jobId, { input: INPUT_DIR, output: OUTPUT_DIR }, req.env)),
        onStdout: (c) => req.onOutput(c, 'stdout'),
        onStderr: (c) => req.onOutput(c, 'stderr'),
        onStarted: () => {
          req.onPhase?.('running');
          started = now();
          timer = setTimeout(() => stop('timeout'), req.limits.timeoutSec * 1000);
        },
      }).catch((err: unknown) => {
        throw platformError('run the program', err);
      });
      // The kill exec must be over before anything else runs as the sandbox user: a late one
      // would kill the collecting tar too.
      await killing;
      return { exitCode, verdict, durationMs: now() - started };
    } finally {
      clearTimeout(timer);
      clearTimeout(backstop);
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Ends every process of the sandbox user; falls back to killing the container. */
  private async killProgram(container: Docker.Container): Promise<void> {
    const code = await runExec(container, { cmd: ['kill', '-9', '-1'], user: USER }).catch(
      () => null,
    );
    // The exec itself can fail (a fork bomb leaves no PID for it): then the whole container.
    if (code !== 0) await container.kill().catch(() => undefined);
  }

  /**
   * One exec, as the sandbox user, after the run: kills whatever the program left running
   * (daemons must not outlive the run, nor write more artifacts), reads the memory cgroup on
   * stderr (the OOM-kill counter tells the kernel's kill from ours; the high-water mark is the
   * peak memory), then streams the output directory as tar on stdout.
   * When the exec cannot run at all, the container had to be killed whole (a fork bomb at its
   * PID limit leaves no room for the kill exec): its tmpfs output went with it, and that is the
   * program's doing, not a platform failure.
   */
  private async collect(
    container: Docker.Container,
    req: RunRequest,
    limits: { maxFiles: number; maxBytes: number },
  ): Promise<{ oomKilled: boolean; peakMemoryBytes: number | null; artifacts: ArtifactInfo[] }> {
    req.onPhase?.('collecting');
    const notice = req.onNotice ?? (() => undefined);
    const archive = new PassThrough();
    const extracted = extractArtifacts(archive, req.outputDir, limits, notice);
    // Settled below; a rejection must not surface as unhandled while tar is still running.
    extracted.catch(() => undefined);
    const script =
      'kill -9 -1 2>/dev/null; ' +
      '{ cat /sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events 2>/dev/null | grep "^oom_kill "; ' +
      'echo "peak $(cat /sys/fs/cgroup/memory/memory.max_usage_in_bytes /sys/fs/cgroup/memory.peak 2>/dev/null | head -n 1)"; } >&2; ' +
      `exec tar -c -C ${OUTPUT_DIR} -f - .`;
    let stderr = '';
    const code = await runExec(container, {
      cmd: ['sh', '-c', script],
      user: USER,
      stdoutSink: archive,
      onStderr: (c) => (stderr += c.toString()),
    }).catch(() => null);
    const oom = /^oom_kill (\d+)/m.exec(stderr);
    const peak = /^peak (\d+)/m.exec(stderr);
    const probe = {
      oomKilled: oom !== null && Number(oom[1]) > 0,
      peakMemoryBytes: peak ? Number(peak[1]) : null,
    };
    if (code === null) {
      archive.destroy();
      notice('no artifacts collected: the sandbox had to be killed whole to stop the program');
      return { ...probe, artifacts: [] };
    }
    const tarErrors = stderr
      .split('\n')
      .filter((l) => l && !/^(oom_kill|peak) /.test(l))
      .join('\n');
    if (tarErrors) notice(`collecting artifacts: ${tarErrors.slice(0, 500)}`);
    try {
      return { ...probe, artifacts: await extracted };
    } catch (err) {
      notice(`artifacts incomplete: ${(err as Error).message}`);
      return { ...probe, artifacts: [] };
    }
  }
}
