import { context } from '@opentelemetry/api';
import type Docker from 'dockerode';
import { extractArtifacts } from '../archive/extract-artifacts';
import { packDirectories } from '../archive/pack-files';
import { OutboundUnavailableError } from '../errors/outbound-unavailable-error';
import { SandboxErrorCode } from '../errors/sandbox-error-code';
import { SandboxPlatformError } from '../errors/sandbox-platform-error';
import { OutboundNetwork } from '../network/outbound-network';
import type { RunRequest, SandboxLimits } from '../run-request';
import { canceledResult, type ArtifactInfo, type RunResult, type RunVerdict } from '../run-result';
import type { SandboxCheck, SandboxRunner } from '../sandbox-runner';
import type { SandboxInfo, SandboxInventory } from '../sandbox-inventory';
import { sandboxEnv } from '../sandbox-env';
import { now } from '../timer';
import { inSpan, startSpan } from '../tracing/in-span';
import { RunSpans } from '../tracing/run-spans';
import { BackgroundWork } from './background-work';
import { containerOptions } from './container-options';
import { dockerClient } from './docker-client';
import { engineRuntimeTraits, traitsFromInfo, type EngineInfo } from './engine-runtime';
import { isTcpEndpoint } from './docker-endpoint';
import type { DockerRunnerOptions } from './docker-runner-options';
import { isEngineUnreachable, platformError } from './platform-error';
import { startExec, type ExecHandle } from './run-exec';
import { RunTail, type TailReport } from './run-tail';
import { GVISOR_MIN_CPUS, servesWithoutUpdate, type RuntimeTraits } from './runtime-traits';
import { SandboxContainer, SUPERVISOR_USER } from './sandbox-container';
import {
  jobIdOfSandbox,
  jobNameFilter,
  jobSandboxName,
  poolSandboxName,
  SANDBOX_LABEL,
} from './sandbox-names';
import { SandboxPool } from './sandbox-pool';
import { CODE_DIR, INPUT_DIR, OUTPUT_DIR } from './sandbox-paths';
import { newEndMark, SUPERVISOR_CMD, supervisorCommand } from './sandbox-scripts';

const MiB = 1024 * 1024;
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
  /** Sandboxes made ahead of time; null when every job makes its own. */
  private readonly pool: SandboxPool | null;
  /** Removals and pool fills, kept off the jobs' critical path. */
  private readonly background = new BackgroundWork();
  /** How the OCI runtime holds a sandbox (asked of the engine once; again after a failure). */
  private traits: Promise<RuntimeTraits> | null = null;

  constructor(private readonly opts: DockerRunnerOptions = {}) {
    this.docker = dockerClient(opts.engine);
    const pool = opts.pool;
    this.pool =
      pool && pool.size > 0
        ? new SandboxPool(this.docker, {
            size: pool.size,
            maxAgeMs: pool.maxAgeSec * 1000,
            shape: pool.shape,
            createOptions: async (image) =>
              this.sandboxOptions(
                poolSandboxName(),
                image,
                pool.shape,
                'none',
                'pool',
                {},
                await this.runtimeTraits(),
              ),
            work: this.background,
          })
        : null;
    this.outbound = opts.outboundNetwork
      ? new OutboundNetwork(this.docker, {
          name: opts.outboundNetwork,
          engineOverTcp: isTcpEndpoint(opts.engine),
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
   * Sets up what runs need before the first one: the outbound network and its firewall, and the
   * pool of `images`. Never throws; returns remarks for the operator's log (outbound runs stay
   * refused until it works; a pool that cannot fill leaves jobs to make their own sandbox).
   */
  async prepare(images: string[] = []): Promise<string[]> {
    const remarks: string[] = [];
    const noOutbound = await this.runtimeTraits().then(
      (t) => t.noOutbound,
      () => null,
    );
    if (!this.outbound) remarks.push('net_policy outbound is switched off: such jobs are refused');
    else if (noOutbound) remarks.push(`net_policy outbound jobs are refused: ${noOutbound}`);
    else {
      try {
        await this.outbound.ensure();
      } catch (err) {
        remarks.push(`${(err as Error).message}; outbound jobs are refused until this is fixed`);
      }
    }
    await this.pool?.start(images);
    return remarks;
  }

  async recover(): Promise<void> {
    await this.pool?.rebuild();
  }

  poolStats() {
    return this.pool?.stats ?? null;
  }

  pooledIds(): Set<string> {
    return this.pool?.ids ?? new Set();
  }

  /**
   * Whether sandboxes can run here: the engine answers, it knows the OCI runtime, and every
   * runtime image is present. Never throws; each check says what is wrong.
   */
  async check(images: string[]): Promise<SandboxCheck[]> {
    let info: EngineInfo;
    try {
      info = (await this.docker.info()) as EngineInfo;
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
      try {
        const traits = traitsFromInfo(this.opts.runtime, info);
        this.traits = Promise.resolve(traits);
        const problem = runtimeProblem(this.opts.runtime, traits, this.opts.minCpus ?? 0.01);
        checks.push(
          problem ? { name: 'runtime', ok: false, detail: problem } : { name: 'runtime', ok: true },
        );
      } catch (err) {
        checks.push({ name: 'runtime', ok: false, detail: (err as Error).message });
      }
    }
    return checks;
  }

  /** How the sandboxes' OCI runtime holds them; throws when the engine does not know it. */
  runtimeTraits(): Promise<RuntimeTraits> {
    if (!this.traits) {
      const asked = engineRuntimeTraits(this.docker, this.opts.runtime);
      this.traits = asked;
      asked.catch(() => {
        if (this.traits === asked) this.traits = null;
      });
    }
    return this.traits;
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
    const traits = await this.runtimeTraits();
    if (req.netPolicy === 'outbound') {
      // Checked before every outbound run (rules can be flushed under us): refuse, never run open.
      if (!this.outbound)
        throw new OutboundUnavailableError('no outbound network is configured for this worker');
      if (traits.noOutbound) throw new OutboundUnavailableError(traits.noOutbound);
      await this.outbound.ensure();
    }
    if (req.signal?.aborted) return canceledResult();
    const limits = this.effectiveLimits(req.limits);
    // Until its program has ended, the run goes first: background engine work waits.
    const leave = this.background.enter();
    let box: SandboxContainer;
    let warm: boolean;
    let naming: Promise<void>;
    try {
      // Named once known: `sandbox.take` (warm, from the pool) or `sandbox.create` (cold).
      ({ box, warm, naming } = await inSpan('sandbox.acquire', {}, async (span) => {
        const got = await this.acquire(req, limits, traits).catch((err: unknown) => {
          // What fails is making one (a warm one that cannot serve falls back to that).
          span.updateName('sandbox.create');
          throw err;
        });
        span.updateName(got.warm ? 'sandbox.take' : 'sandbox.create');
        span.setAttribute('sandbox.source', got.warm ? 'warm' : 'cold');
        return got;
      }));
    } catch (err) {
      leave();
      throw err;
    }
    // A cancel while the files go in stops that too (the container goes, its input with it).
    const onAbort = () => void box.kill();
    req.signal?.addEventListener('abort', onAbort);
    /** When the program could start at the latest (for a run that ends without a report). */
    let started = now();
    const spans = new RunSpans();
    try {
      try {
        await inSpan('sandbox.files_in', {}, () =>
          Promise.all([
            box.sendFiles(
              packDirectories([
                { prefix: 'code', dir: req.codeDir },
                { prefix: 'input', dir: req.inputDir },
              ]),
            ),
            naming,
            // Ready already in a pooled sandbox; beside the files in a cold one.
            box.startSupervisor(),
          ]),
        );
      } finally {
        req.signal?.removeEventListener('abort', onAbort);
      }
      const usage = traits.gvisor ? await box.usage() : null;
      started = now();
      let outcome = await this.execute(
        box,
        req,
        leave,
        traits.gvisor ? limits.pids : undefined,
        spans,
      );
      if (usage) outcome = await withEngineUsage(box, outcome, usage.cpuNs);
      const result: RunResult = { ...toResult(outcome), sandbox: warm ? 'warm' : 'cold' };
      spans.finish(result);
      return result;
    } catch (err) {
      // The run's spans tell what this decides: the program's verdict, or the platform's error.
      const verdict = await this.programsDoing(err, box, traits, req, now() - started);
      if (verdict.result) {
        spans.finish(verdict.result);
        return verdict.result;
      }
      spans.fail(verdict.failure);
      throw verdict.failure;
    } finally {
      leave();
      this.release(box);
    }
  }

  /**
   * What a run that threw means: the program's own end (canceled, out of memory, gVisor's kernel
   * ended under it) as a result, or else the platform's failure.
   */
  private async programsDoing(
    err: unknown,
    box: SandboxContainer,
    traits: RuntimeTraits,
    req: RunRequest,
    durationMs: number,
  ): Promise<{ result: RunResult; failure?: never } | { result?: never; failure: unknown }> {
    if (req.signal?.aborted) return { result: canceledResult() };
    // The host killed the whole sandbox at its memory limit (how gVisor's end): the program's
    // verdict, not a platform failure.
    if (err instanceof SandboxPlatformError && (await box.endedByOom(traits.gvisor)))
      return { result: toResult(oomOutcome(box, durationMs, req.onNotice ?? noop)) };
    const failure = await this.engineGoing(err);
    // The engine is there, but gVisor's kernel ended under the program on its own (not killed,
    // not at its memory): the program's doing, such as a fork bomb left churning until its
    // sandbox's host task limit (see hostPidsLimit). Not retried.
    if (traits.gvisor && failure === err && failure instanceof SandboxPlatformError) {
      const exitCode = await box.endedOnItsOwn();
      if (exitCode !== null)
        return {
          result: toResult(gvisorEndedOutcome(exitCode, durationMs, req.onNotice ?? noop)),
        };
    }
    return { failure };
  }

  /**
   * A stopping engine kills every container first and only then stops answering: a run it
   * interrupts fails as "the engine failed" while it still answers. An engine that stops
   * answering within a few seconds of such a failure was going away, and the run is counted as
   * lost to the outage (handed back, no attempt spent); else the failure stands as it was.
   */
  private async engineGoing(err: unknown): Promise<unknown> {
    if (!(err instanceof SandboxPlatformError) || err.code !== SandboxErrorCode.EngineFailed)
      return err;
    const until = now() + ENGINE_GOING_WATCH_MS;
    for (;;) {
      try {
        // An engine that hangs rather than refuses proves nothing either way: watch on.
        await Promise.race([this.docker.ping(), new Promise((r) => setTimeout(r, 1000).unref())]);
      } catch (pingErr) {
        if (isEngineUnreachable(pingErr))
          return new SandboxPlatformError(
            SandboxErrorCode.EngineUnreachable,
            `the Docker engine went away during the run (${err.message})`,
            { cause: err },
          );
      }
      if (now() >= until) return err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /**
   * The job's sandbox: a warm one from the pool (its limits set to the job's, and named after
   * it while the files go in), or a cold one made on the spot, already named. Outbound jobs are
   * always cold: their network is chosen when a container is made.
   */
  private async acquire(
    req: RunRequest,
    limits: SandboxLimits,
    traits: RuntimeTraits,
  ): Promise<{ box: SandboxContainer; warm: boolean; naming: Promise<void> }> {
    // A runtime that cannot change a running sandbox's limits (gVisor) takes from the pool only
    // the jobs that fit the pool's own.
    const poolable =
      req.netPolicy === 'none' &&
      !!this.opts.pool &&
      servesWithoutUpdate(this.opts.pool.shape, limits, traits);
    const warm = poolable ? (this.pool?.take(req.image) ?? null) : null;
    if (warm) {
      try {
        // Before the files go in: they count against the memory limit. Under gVisor the PID
        // limit is the program's own, set inside; nothing else differs (servesWithoutUpdate).
        if (!traits.gvisor) await warm.applyLimits(limits);
        return { box: warm, warm: true, naming: warm.rename(jobSandboxName(req.jobId)) };
      } catch (err) {
        this.release(warm);
        if (isEngineUnreachable(err)) throw err;
        // A limit this engine cannot change on a running container: the job goes cold.
      }
    }
    const box = await SandboxContainer.start(
      this.docker,
      this.sandboxOptions(
        jobSandboxName(req.jobId),
        req.image,
        limits,
        req.netPolicy,
        'job',
        req.labels ?? {},
        traits,
      ),
      limits,
    );
    return { box, warm: false, naming: Promise.resolve() };
  }

  /** The hardened create options of every sandbox, pooled or made for a job. */
  private sandboxOptions(
    name: string,
    image: string,
    limits: SandboxLimits,
    netPolicy: RunRequest['netPolicy'],
    role: 'job' | 'pool',
    labels: Record<string, string>,
    runtime: RuntimeTraits,
  ) {
    return containerOptions({
      name,
      image,
      limits,
      netPolicy,
      outboundNetwork: this.outbound?.name,
      filesBytes: this.opts.filesBytes ?? 64 * MiB,
      outputBytes: this.maxArtifactBytes,
      tmpBytes: this.opts.tmpBytes ?? 64 * MiB,
      labels: { ...this.opts.labels, ...labels, [SANDBOX_LABEL]: role },
      runtime,
    });
  }

  /** Removes the pool and waits for the removals of finished sandboxes. */
  async close(): Promise<void> {
    await this.pool?.close();
    await Promise.all([...this.removals]);
  }

  /** Removes a finished sandbox in the background; the reaper covers a worker that dies first. */
  private release(box: SandboxContainer): void {
    // Part of the job's trace (from when it really starts), though the job does not wait for it.
    const job = context.active();
    const removal = this.background
      .run(() => {
        const span = startSpan('sandbox.remove', job);
        return box.remove().finally(() => span.end());
      }, 'remove')
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
   * The program's run, through the sandbox's supervisor, which also reports and collects once
   * the program ends. A timeout, a cancel or a collection that overruns stop it from outside.
   */
  private async execute(
    box: SandboxContainer,
    req: RunRequest,
    /** Called when the program has ended: background work may run again. */
    programEnded: () => void,
    /** The program's task limit, held inside the sandbox (gVisor); absent under runc. */
    nproc: number | undefined,
    spans: RunSpans,
  ): Promise<Outcome> {
    const limits = this.collectLimits;
    const collectMs = this.collectTimeoutMs;
    const notice = req.onNotice ?? noop;
    // Canceled while the sandbox was being made or filled: the program never starts.
    if (req.signal?.aborted)
      return { verdict: 'canceled', report: null, artifacts: [], durationMs: 0 };
    let supervisor: ExecHandle;
    try {
      supervisor = await box.startSupervisor();
    } catch (err) {
      throw sandboxLost('start the program', err);
    }
    const mark = newEndMark();
    const tail = new RunTail(mark, (c) => req.onOutput(c, 'stdout'));
    const extracted = this.extract(tail, req, limits);
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
        // Under gVisor the supervisor is asked first: it ends the program and reports itself.
        st.fallback =
          nproc !== undefined
            ? this.stopThroughSupervisor(box, req, supervisor, tail, extracted)
            : this.collectAlone(box, req, false);
        st.fallback.catch(() => undefined); // awaited below; not unhandled meanwhile
      } else {
        // Canceled (its artifacts are not wanted), or a collection past its deadline.
        supervisor.cut();
        void box.kill();
      }
    };
    const onAbort = () => stop('canceled');
    req.signal?.addEventListener('abort', onAbort);
    // Under gVisor a sandbox the host kills whole (at its memory limit) does not always end the
    // supervisor's stream (checked: the stream stayed open, the container long gone): the
    // container's own stop ends it, after a moment for the last output to arrive.
    if (nproc !== undefined)
      void box.stopped().then(() => {
        if (!supervisor.ended) setTimeout(() => supervisor.cut(), LAST_OUTPUT_GRACE_MS).unref();
      });
    try {
      supervisor.setSink((stream, chunk) => {
        if (stream === 'stderr') return req.onOutput(chunk, 'stderr');
        const before = tail.markSeen;
        const pending = tail.write(chunk);
        if (!before && tail.markSeen && !st.stoppedBy) {
          // The program has ended; the collection that follows has a deadline of its own.
          programEnded();
          spans.programEnded();
          st.ended = now();
          clearTimeout(st.timer);
          req.onPhase?.('collecting');
          st.timer = setTimeout(() => {
            notice(`artifact collection stopped: it took longer than ${collectMs / 1000} s`);
            stop('collect-timeout');
          }, collectMs);
        }
        return pending;
      });
      req.onPhase?.('running');
      spans.programStarted();
      st.started = now();
      st.timer = setTimeout(() => stop('timeout'), req.limits.timeoutSec * 1000);
      supervisor.write(
        supervisorCommand(mark, limits, {
          entry: req.entry,
          args: req.args,
          env: sandboxEnv(req.jobId, { input: INPUT_DIR, output: OUTPUT_DIR }, req.env),
          // Under gVisor (see RuntimeTraits): the PID limit inside, the output copied out whole.
          ...(nproc ? { nproc, relay: true } : {}),
        }),
      );
      // Over at the end of the supervisor's output, or soon after it says no archive follows
      // (most jobs write none). Not at once: stdout and stderr are two pipes, and what the
      // program wrote last to stderr can reach the engine after the report on stdout. The
      // supervisor exits right after its report, which ends the stream with everything in it;
      // only a supervisor slower than that is cut, the sandbox going anyway.
      const nothingMore = tail.report.then((r) => (r && !r.archive ? r : new Promise(noop)));
      await Promise.race([
        supervisor.done.catch((err: unknown) => {
          if (!st.stoppedBy) throw platformError('run the program', err);
        }),
        nothingMore
          .then(() => new Promise((r) => setTimeout(r, LAST_OUTPUT_GRACE_MS).unref()))
          .then(() => supervisor.cut()),
      ]);
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
      // No report: the host killed the whole sandbox at its memory limit (under gVisor), or the
      // program ended its supervisor (it signalled every process of its user). In the second
      // case the exit code is the supervisor's; the collection runs on its own.
      if (await box.endedByOom(nproc !== undefined)) return oomOutcome(box, durationMs, notice);
      const exitCode = await supervisor.exitCode(5000).catch((err: unknown) => {
        throw sandboxLost('read the program’s exit code', err);
      });
      const out = await this.collectAlone(box, req, nproc !== undefined);
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

  /**
   * Under gVisor, a timeout: the running supervisor ends the program (a line on its stdin) and
   * reports and collects as after any end. One that has not reported within a few seconds is cut
   * and the collection runs on its own.
   */
  private async stopThroughSupervisor(
    box: SandboxContainer,
    req: RunRequest,
    supervisor: ExecHandle,
    tail: RunTail,
    extracted: Promise<ArtifactInfo[]>,
  ): Promise<Outcome | null> {
    supervisor.write('stop\n');
    let timer: NodeJS.Timeout | undefined;
    const report = await Promise.race([
      tail.report,
      new Promise<null>((r) => (timer = setTimeout(() => r(null), SUPERVISOR_STOP_MS))),
    ]);
    clearTimeout(timer);
    if (report) {
      for (const n of report.notes) req.onNotice?.(n);
      return { verdict: null, report, artifacts: await extracted, durationMs: 0 };
    }
    supervisor.cut();
    return this.collectAlone(box, req, true);
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
  private async collectAlone(
    box: SandboxContainer,
    req: RunRequest,
    /** Under gVisor: the container's stop ends the exec (its stream may not end by itself). */
    watchStop: boolean,
  ): Promise<Outcome | null> {
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
          cmd: SUPERVISOR_CMD,
          user: SUPERVISOR_USER,
          workingDir: CODE_DIR,
          stdin: true,
        });
        const onCut = () => exec.cut();
        cut.signal.addEventListener('abort', onCut);
        if (watchStop)
          void box.stopped().then(() => {
            if (!exec.ended) setTimeout(onCut, LAST_OUTPUT_GRACE_MS).unref();
          });
        if (cut.signal.aborted) exec.cut();
        exec.setSink((stream, chunk) => (stream === 'stdout' ? tail.write(chunk) : undefined));
        exec.write(supervisorCommand(mark, this.collectLimits, null));
        await exec.done.catch(() => undefined);
        cut.signal.removeEventListener('abort', onCut);
        tail.end();
        report = await tail.report;
      } catch (err) {
        tail.end();
        // The engine gone, or the container stopped under us (nothing of ours stopped it):
        // the platform's failure. Anything else is an exec with no room to start.
        const lost = sandboxLost('collect the artifacts', err);
        if (lost.code === SandboxErrorCode.EngineUnreachable || isNotRunning(err)) {
          await extracted;
          throw lost;
        }
      }
      const artifacts = await extracted;
      if (report) {
        for (const n of report.notes) notice(n);
        return { verdict: null, report, artifacts, durationMs: 0 };
      }
      if (req.signal?.aborted || cut.signal.aborted) return null;
      // No report: an exec with no room to start (the program's doing), or the engine stopping
      // the container under us (it kills the processes first, then answers as it goes away).
      // Only a container that stays up tells the first apart; the second is the platform's.
      await box.confirmRunning('collect the artifacts');
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

/**
 * Why sandboxes cannot run safely under this runtime as registered; null when they can. A limit
 * or a protection that would not hold is refused at start, never run without.
 */
function runtimeProblem(name: string, traits: RuntimeTraits, minCpus: number): string | null {
  if (!traits.gvisor) return null;
  if (!traits.seccomp)
    return `sandbox runtime ${name} is gVisor registered without --oci-seccomp: Docker's seccomp profile would not apply inside it (bash scripts/install-gvisor.sh registers it with the flag)`;
  if (minCpus < GVISOR_MIN_CPUS)
    return `sandbox runtime ${name} is gVisor, whose own kernel works inside each sandbox's CPU limit: cpu_limit must be at least ${GVISOR_MIN_CPUS} there (MIN_CPU_LIMIT is ${minCpus})`;
  return null;
}

/** How long a supervisor asked to end its program (gVisor, a timeout) may take to report. */
const SUPERVISOR_STOP_MS = 5000;

/** How long a supervisor that has reported may take to exit before its stream is cut. */
const LAST_OUTPUT_GRACE_MS = 500;

/** How long an engine that failed a run is watched for going away (see engineGoing). */
const ENGINE_GOING_WATCH_MS = 3000;

/** The engine says the container is not running (it stopped, or was removed, under us). */
const isNotRunning = (err: unknown) =>
  [404, 409].includes((err as { statusCode?: number }).statusCode ?? 0);

/**
 * A failure of the engine or of the sandbox itself during a run, as opposed to the program's:
 * the engine away, or the container gone while nothing of ours stopped it. Both are retried.
 */
function sandboxLost(what: string, err: unknown): SandboxPlatformError {
  if (isNotRunning(err))
    return new SandboxPlatformError(
      SandboxErrorCode.EngineFailed,
      `the sandbox stopped under the program while trying to ${what} (${(err as Error).message})`,
      { cause: err },
    );
  return platformError(what, err);
}

function emptyReport(): TailReport {
  return {
    exitCode: null,
    oomKills: 0,
    peakMemoryBytes: null,
    cpuTimeNs: null,
    notes: [],
    archive: false,
  };
}

/**
 * A sandbox the host killed whole at its memory limit: the program's OOM, with the limit as its
 * peak (what the cgroup reached to be killed); its files and artifacts went with it.
 */
function oomOutcome(
  box: SandboxContainer,
  durationMs: number,
  notice: (text: string) => void,
): Outcome {
  notice(
    'the sandbox was killed whole at its memory limit (its kernel with it, as under gVisor): ' +
      'the files it wrote are lost',
  );
  return {
    verdict: null,
    report: {
      ...emptyReport(),
      exitCode: 137,
      oomKills: 1,
      peakMemoryBytes: box.limits.memoryMb * MiB,
    },
    artifacts: [],
    durationMs,
  };
}

/** A gVisor sandbox whose kernel ended on its own under the program (see run). */
function gvisorEndedOutcome(
  exitCode: number,
  durationMs: number,
  notice: (text: string) => void,
): Outcome {
  notice(
    `the sandbox's kernel (gVisor) ended under the program with exit code ${exitCode}: the program ` +
      'used up what gVisor may take of the host (such as tasks, in a fork bomb); its files are lost',
  );
  return { verdict: null, report: { ...emptyReport(), exitCode }, artifacts: [], durationMs };
}

/**
 * Fills the figures a gVisor sandbox cannot report from inside with the engine's count of the
 * whole sandbox: CPU time since `cpuBefore` (read just before the program started) and peak
 * memory over the sandbox's life, gVisor's own kernel included in both.
 */
async function withEngineUsage(
  box: SandboxContainer,
  o: Outcome,
  cpuBefore: number | null,
): Promise<Outcome> {
  if (!o.report || (o.report.cpuTimeNs !== null && o.report.peakMemoryBytes !== null)) return o;
  const after = await box.usage();
  const cpu =
    after.cpuNs !== null && cpuBefore !== null && after.cpuNs >= cpuBefore
      ? after.cpuNs - cpuBefore
      : null;
  return {
    ...o,
    report: {
      ...o.report,
      cpuTimeNs: o.report.cpuTimeNs ?? cpu,
      peakMemoryBytes: o.report.peakMemoryBytes ?? after.peakBytes,
    },
  };
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
