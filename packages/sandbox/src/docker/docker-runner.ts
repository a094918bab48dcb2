import type Docker from 'dockerode';
import { extractArtifacts } from '../archive/extract-artifacts';
import { packDirectories } from '../archive/pack-files';
import { OutboundUnavailableError } from '../errors/outbound-unavailable-error';
import { OutboundNetwork } from '../network/outbound-network';
import type { RunRequest, SandboxLimits } from '../run-request';
import { canceledResult, type ArtifactInfo, type RunResult, type RunVerdict } from '../run-result';
import type { SandboxCheck, SandboxRunner } from '../sandbox-runner';
import type { SandboxInfo, SandboxInventory } from '../sandbox-inventory';
import { sandboxEnv, toEnvList } from '../sandbox-env';
import { now } from '../timer';
import { containerOptions } from './container-options';
import { dockerClient } from './docker-client';
import type { DockerRunnerOptions } from './docker-runner-options';
import { isEngineUnreachable, platformError } from './platform-error';
import { startExec, type ExecHandle } from './run-exec';
import { RunTail, type TailReport } from './run-tail';
import { SandboxContainer } from './sandbox-container';
import { jobIdOfSandbox, jobNameFilter, jobSandboxName, SANDBOX_LABEL } from './sandbox-names';
import { CODE_DIR, INPUT_DIR, OUTPUT_DIR, SANDBOX_UID } from './sandbox-paths';
import { collectScript, newEndMark, programScript } from './sandbox-scripts';

const MiB = 1024 * 1024;
const USER = `${SANDBOX_UID}:${SANDBOX_UID}`;
/** How long a stopped program may take to be gone before its container is killed instead. */
const KILL_GRACE_MS = 15_000;

/** What stopped a run from outside. */
type StopReason = 'timeout' | 'canceled' | 'collect-timeout';

interface Outcome {
  verdict: RunVerdict | null;
  report: TailReport | null;
  artifacts: ArtifactInfo[];
  durationMs: number;
}

/**
 * Runs each job in its own hardened container, never reused, removed once the job is over (in
 * the background: the job's result does not wait for it). Files cross the boundary only as tar
 * streams (in through PID 1's stdin, out through the program's own `exec`), so this works the
 * same when the worker itself runs in a container that talks to the host's engine.
 */
export class DockerRunner implements SandboxRunner, SandboxInventory {
  readonly kind = 'docker' as const;
  readonly docker: Docker;
  /** The firewalled bridge of `outbound` runs; null when none is configured. */
  readonly outbound: OutboundNetwork | null;
  private hostCpus: number | null = null;
  /** Removals under way (sandboxes of finished jobs); `close` waits for them. */
  private readonly removals = new Set<Promise<void>>();

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

  private get maxArtifactBytes(): number {
    return this.opts.maxArtifactBytes ?? 100 * MiB;
  }

  private get collectLimits(): { maxFiles: number; maxBytes: number } {
    return { maxFiles: this.opts.maxArtifacts ?? 100, maxBytes: this.maxArtifactBytes };
  }

  private get collectTimeoutMs(): number {
    return (this.opts.collectTimeoutSec ?? 60) * 1000;
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

  /**
   * Whether sandboxes can run here: the engine answers, it knows the OCI runtime, and every
   * runtime image is present. Never throws; each check says what is wrong.
   */
  async check(images: string[]): Promise<SandboxCheck[]> {
    let info: { Runtimes?: Record<string, unknown>; NCPU?: number };
    try {
      info = (await this.docker.info()) as typeof info;
    } catch (err) {
      const detail = platformError('answer', err).message;
      return [
        { name: 'docker', ok: false, detail },
        { name: 'image', ok: false, detail: 'not checked: the Docker engine does not answer' },
      ];
    }
    this.hostCpus = info.NCPU ?? null;
    const checks: SandboxCheck[] = [{ name: 'docker', ok: true }];
    const missing: string[] = [];
    for (const image of [...new Set(images)]) {
      const found = await this.docker
        .getImage(image)
        .inspect()
        .then(
          () => true,
          () => false,
        );
      if (!found) missing.push(image);
    }
    checks.push(
      missing.length
        ? {
            name: 'image',
            ok: false,
            detail: `missing image(s): ${missing.join(', ')} (build with npm run build:exec-image)`,
          }
        : { name: 'image', ok: true },
    );
    if (this.opts.runtime) {
      const known = Object.keys(info.Runtimes ?? {});
      checks.push(
        known.includes(this.opts.runtime)
          ? { name: 'runtime', ok: true }
          : {
              name: 'runtime',
              ok: false,
              detail: `sandbox runtime ${this.opts.runtime} is not known to the Docker engine (it has: ${known.join(', ') || 'none'})`,
            },
      );
    }
    return checks;
  }

  /** Sandboxes of this platform that also carry `labelKey`, running or not. */
  async listSandboxes(labelKey: string): Promise<SandboxInfo[]> {
    let list: Docker.ContainerInfo[];
    try {
      list = await this.docker.listContainers({
        all: true,
        filters: { label: [SANDBOX_LABEL, labelKey] },
      });
    } catch (err) {
      throw platformError('list sandbox containers', err);
    }
    return list.map((c) => ({
      id: c.Id,
      labels: c.Labels ?? {},
      createdMs: c.Created * 1000,
      jobId: jobIdOfSandbox(c.Names),
    }));
  }

  /** Ids of every sandbox of a job on this engine (earlier attempts included). */
  async jobSandboxes(jobId: string): Promise<string[]> {
    try {
      const list = await this.docker.listContainers({
        all: true,
        filters: { name: [jobNameFilter(jobId)], label: [SANDBOX_LABEL] },
      });
      return list.map((c) => c.Id);
    } catch (err) {
      throw platformError('list sandbox containers', err);
    }
  }

  /** Kills and removes one sandbox; one already gone is not an error. */
  async removeSandbox(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404 || status === 409) return;
      throw platformError('remove a sandbox container', err);
    }
  }

  async run(req: RunRequest): Promise<RunResult> {
    if (req.netPolicy === 'outbound') {
      // Checked before every outbound run (rules can be flushed under us): refuse, never run open.
      if (!this.outbound)
        throw new OutboundUnavailableError('no outbound network is configured for this worker');
      await this.outbound.ensure();
    }
    if (req.signal?.aborted) return canceledResult();
    const limits = this.effectiveLimits(req.limits);
    const box = await SandboxContainer.start(
      this.docker,
      containerOptions({
        name: jobSandboxName(req.jobId),
        image: req.image,
        limits,
        netPolicy: req.netPolicy,
        outboundNetwork: this.outbound?.name,
        filesBytes: this.opts.filesBytes ?? 64 * MiB,
        outputBytes: this.maxArtifactBytes,
        tmpBytes: this.opts.tmpBytes ?? 64 * MiB,
        labels: { ...this.opts.labels, ...req.labels, [SANDBOX_LABEL]: 'job' },
        runtime: this.opts.runtime,
      }),
      limits,
    );
    // A cancel while the files go in stops that too (the container goes, its input with it).
    const onAbort = () => void box.kill();
    req.signal?.addEventListener('abort', onAbort);
    try {
      try {
        await box.sendFiles(
          packDirectories([
            { prefix: 'code', dir: req.codeDir },
            { prefix: 'input', dir: req.inputDir },
          ]),
        );
      } finally {
        req.signal?.removeEventListener('abort', onAbort);
      }
      return toResult(await this.execute(box, req));
    } catch (err) {
      if (req.signal?.aborted) return canceledResult();
      throw err;
    } finally {
      this.release(box);
    }
  }

  /** Waits for the removals of finished sandboxes. */
  async close(): Promise<void> {
    await Promise.all([...this.removals]);
  }

  /** Removes a finished sandbox in the background; the reaper covers a worker that dies first. */
  private release(box: SandboxContainer): void {
    const removal = box
      .remove()
      .catch(() => undefined)
      .finally(() => this.removals.delete(removal));
    this.removals.add(removal);
  }

  /** A CPU limit above the engine's CPU count means all of them: the engine refuses more. */
  private effectiveLimits(limits: SandboxLimits): SandboxLimits {
    if (this.hostCpus && limits.cpus > this.hostCpus) return { ...limits, cpus: this.hostCpus };
    return limits;
  }

  /**
   * The program's exec, which also reports and collects once the program ends. A timeout, a
   * cancel or a collection that overruns stop it from outside.
   */
  private async execute(box: SandboxContainer, req: RunRequest): Promise<Outcome> {
    const limits = this.collectLimits;
    const collectMs = this.collectTimeoutMs;
    const notice = req.onNotice ?? noop;
    // Canceled while the sandbox was being made or filled: the program never starts.
    if (req.signal?.aborted)
      return { verdict: 'canceled', report: null, artifacts: [], durationMs: 0 };
    const mark = newEndMark();
    const tail = new RunTail(mark, (c) => req.onOutput(c, 'stdout'));
    const extracted = this.extract(tail, req, limits);
    const cut = new AbortController();
    const st = {
      stoppedBy: null as StopReason | null,
      started: now(),
      ended: null as number | null,
      timer: undefined as NodeJS.Timeout | undefined,
      backstop: undefined as NodeJS.Timeout | undefined,
      fallback: null as Promise<Outcome | null> | null,
    };
    const stop = (why: StopReason) => {
      if (st.stoppedBy) return;
      st.stoppedBy = why;
      clearTimeout(st.timer);
      // Should the program still not be gone, the container goes: a run never outlives its limit.
      st.backstop = setTimeout(() => void box.kill(), KILL_GRACE_MS);
      if (why === 'timeout') {
        // The collect exec ends the program first, then keeps what it wrote (checkpoints).
        st.fallback = this.collectAlone(box, req);
      } else {
        // Canceled (its artifacts are not wanted), or a collection past its deadline.
        cut.abort();
        void box.kill();
      }
    };
    const onAbort = () => stop('canceled');
    req.signal?.addEventListener('abort', onAbort);
    try {
      let exec: ExecHandle;
      try {
        exec = await startExec(box.container, {
          cmd: ['sh', '-c', programScript(mark, limits), 'job-runner', req.entry, ...req.args],
          user: USER,
          workingDir: CODE_DIR,
          env: toEnvList(sandboxEnv(req.jobId, { input: INPUT_DIR, output: OUTPUT_DIR }, req.env)),
          signal: cut.signal,
          onStarted: () => {
            req.onPhase?.('running');
            st.started = now();
            st.timer = setTimeout(() => stop('timeout'), req.limits.timeoutSec * 1000);
          },
          sink: (stream, chunk) => {
            if (stream === 'stderr') return req.onOutput(chunk, 'stderr');
            const before = tail.markSeen;
            const pending = tail.write(chunk);
            if (!before && tail.markSeen && !st.stoppedBy) {
              // The program has ended; the collection that follows has a deadline of its own.
              st.ended = now();
              clearTimeout(st.timer);
              req.onPhase?.('collecting');
              st.timer = setTimeout(() => {
                notice(`artifact collection stopped: it took longer than ${collectMs / 1000} s`);
                stop('collect-timeout');
              }, collectMs);
            }
            return pending;
          },
        });
      } catch (err) {
        throw platformError('run the program', err);
      }
      await exec.done.catch((err: unknown) => {
        if (!st.stoppedBy) throw platformError('run the program', err);
      });
      tail.end();
      const durationMs = (st.ended ?? now()) - st.started;
      if (st.stoppedBy === 'canceled') {
        await extracted;
        return { verdict: 'canceled', report: null, artifacts: [], durationMs };
      }
      if (st.stoppedBy === 'timeout') {
        await extracted;
        const out = await st.fallback;
        return {
          verdict: 'timeout',
          report: out?.report ?? null,
          artifacts: out?.artifacts ?? [],
          durationMs,
        };
      }
      const report = await tail.report;
      const artifacts = await extracted;
      if (report) {
        for (const n of report.notes) notice(n);
        // Past the collection's deadline only what arrived whole is kept.
        return { verdict: null, report, artifacts, durationMs };
      }
      // No report: the program ended the shell that runs it (it signalled every process of its
      // user). The exit code is that shell's; the collection runs on its own.
      const exitCode = await exec.exitCode(5000).catch(() => null);
      const out = await this.collectAlone(box, req);
      return {
        verdict: null,
        report: { ...(out?.report ?? emptyReport()), exitCode },
        artifacts: out?.artifacts ?? [],
        durationMs,
      };
    } finally {
      clearTimeout(st.timer);
      clearTimeout(st.backstop);
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Reads the archive after the end mark into the job's output directory, as it arrives. */
  private extract(
    tail: RunTail,
    req: RunRequest,
    limits: { maxFiles: number; maxBytes: number },
  ): Promise<ArtifactInfo[]> {
    return extractArtifacts(tail.archive, req.outputDir, limits, req.onNotice ?? noop);
  }

  /**
   * One exec that ends every process of the sandbox user, then reports and collects. When it
   * cannot even start (a fork bomb at its PID limit leaves no room for it), the container is
   * killed whole and its output goes with it: the program's doing, not a platform failure.
   */
  private async collectAlone(box: SandboxContainer, req: RunRequest): Promise<Outcome | null> {
    const notice = req.onNotice ?? noop;
    const mark = newEndMark();
    const tail = new RunTail(mark, noop);
    const extracted = this.extract(tail, req, this.collectLimits);
    const cut = new AbortController();
    const stop = () => {
      cut.abort();
      void box.kill();
    };
    const timer = setTimeout(() => {
      notice(`artifact collection stopped: it took longer than ${this.collectTimeoutMs / 1000} s`);
      stop();
    }, this.collectTimeoutMs);
    req.signal?.addEventListener('abort', stop);
    try {
      let report: TailReport | null = null;
      try {
        const exec = await startExec(box.container, {
          cmd: ['sh', '-c', collectScript(mark, this.collectLimits)],
          user: USER,
          signal: cut.signal,
          sink: (stream, chunk) => (stream === 'stdout' ? tail.write(chunk) : undefined),
        });
        await exec.done.catch(() => undefined);
        tail.end();
        report = await tail.report;
      } catch {
        tail.end();
      }
      const artifacts = await extracted;
      if (report) {
        for (const n of report.notes) notice(n);
        return { verdict: null, report, artifacts, durationMs: 0 };
      }
      if (req.signal?.aborted || cut.signal.aborted) return null;
      // The exec could not run at all: the whole container goes, and its output with it.
      await box.kill();
      notice('no artifacts collected: the sandbox had to be killed whole to stop the program');
      return null;
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', stop);
    }
  }

  /** Whether an error means the engine itself is away (rather than a job's problem). */
  static isEngineDown(err: unknown): boolean {
    return isEngineUnreachable(err);
  }
}

const noop = () => undefined;

function emptyReport(): TailReport {
  return { exitCode: null, oomKills: 0, peakMemoryBytes: null, cpuTimeNs: null, notes: [] };
}

function toResult(o: Outcome): RunResult {
  const exitCode = o.report?.exitCode ?? null;
  const verdict: RunVerdict =
    o.verdict ??
    (exitCode === 0
      ? 'succeeded'
      : exitCode === 137 && (o.report?.oomKills ?? 0) > 0
        ? 'oom'
        : 'non-zero exit');
  return {
    verdict,
    exitCode: o.verdict ? null : exitCode,
    durationMs: o.durationMs,
    peakMemoryBytes: o.report?.peakMemoryBytes ?? null,
    cpuTimeMs: o.report?.cpuTimeNs != null ? Math.round(o.report.cpuTimeNs / 1e6) : null,
    artifacts: o.artifacts,
  };
}
