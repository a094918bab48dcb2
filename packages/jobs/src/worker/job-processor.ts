import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { Logger } from '@job-runner/logger';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { inSpan, jobTracer, type SandboxInventory } from '@job-runner/sandbox';
import { PlatformFailureError } from '../errors/platform-failure-error';
import type { JobDirs } from '../files/job-files';
import type { LogStore } from '../logs/log-store';
import { startsOf, tryOf } from '../queue/attempts';
import type { JobData, JobProgress, RunSummary } from '../queue/job-data';
import { CANCELED } from '../queue/job-view';
import { HAND_BACK, type CancelRegistry } from './cancel-registry';
import { classifyFailure } from './classify-failure';
import { handBack } from './hand-back';
import { note } from './job-note';
import { prepareRun, type PrepareDeps } from './prepare-run';
import { emptySummary, failForGood, recordOutcome } from './record-outcome';
import { removeEarlierAttempts } from './remove-earlier-attempts';
import { runWithLogs, type RunDeps } from './run-with-logs';

export interface JobProcessorDeps extends PrepareDeps, RunDeps {
  logs: LogStore;
  cancels: CancelRegistry;
  logger: Logger;
  /** Told when the engine is away (the worker stops taking jobs until it is back). */
  onEngineDown?: (reason: string) => void;
  /** The engine's sandboxes: a rerun first removes its earlier attempts' (absent: local runner). */
  inventory?: SandboxInventory;
}

/**
 * Runs one job, in four steps: prepare (before any sandbox), run (output into the log), record
 * the outcome, or classify the failure. The program's failures end the job for good
 * (UnrecoverableError); the platform's are thrown for BullMQ to retry with backoff.
 */
export function createJobProcessor(deps: JobProcessorDeps) {
  return async function processJob(job: Job<JobData>, token?: string): Promise<RunSummary> {
    const jobId = String(job.id);
    const log = deps.logger.child({ jobId });
    const signal = deps.cancels.register(jobId);
    const attempts = job.opts.attempts ?? 1;
    const progress = (p: JobProgress) =>
      job.updateProgress(p as unknown as object).catch(() => undefined);
    // Known once read from disk; scrubbed from anything this processor writes to Redis.
    let secrets: Record<string, string> = {};
    // The job's working copy, until its artifacts are checked in (or it is let go).
    let copy: JobDirs | null = null;
    // BullMQ's `process` span when tracing is on (the job's trace, continued from its request).
    const span = trace.getActiveSpan();
    if (span) {
      // Read defensively: a job's data is checked in the steps below, not here.
      span.setAttributes({
        'job.id': jobId,
        'job.runtime': String(job.data?.spec?.runtime),
        'job.attempt': startsOf(job),
        'job.code_bytes': sizeOf(job.data?.files?.code),
        'job.input_bytes': sizeOf(job.data?.files?.input),
      });
      // The wait in the queue, from the submission to this start.
      if (startsOf(job) === 1)
        jobTracer().startSpan('job.queue_wait', { startTime: job.timestamp }).end();
    }
    try {
      await progress({ phase: 'preparing' });
      const prepared = await inSpan('job.prepare', {}, async () => {
        await beforeRun(job, jobId, deps, log);
        return prepareRun(job, deps);
      });
      if (prepared.kind === 'canceled') {
        await deps.logs.end(jobId);
        throw new UnrecoverableError(CANCELED);
      }
      if (prepared.kind === 'refused') {
        await deps.logs.append(jobId, note(prepared.note));
        return await failForGood(job, deps.logs, emptySummary(prepared.error));
      }
      secrets = prepared.env;
      copy = prepared.dirs;

      log.info('running', { runtime: prepared.spec.runtime, run: startsOf(job) });
      const ran = await runWithLogs(
        job,
        prepared,
        deps,
        signal,
        (phase) => void progress({ phase }),
      );
      if (ran.result.verdict === 'canceled' && signal.reason === HAND_BACK) {
        span?.setAttributes({ 'job.verdict': 'handed back', 'job.handed_back': 'worker stopping' });
        return await handBack(job, token, deps.logs, log, 'the worker is shutting down');
      }
      log.info('run ended', {
        verdict: ran.result.verdict,
        exitCode: ran.result.exitCode,
        durationMs: ran.result.durationMs,
        sandbox: ran.result.sandbox,
      });
      span?.setAttributes({
        'job.verdict': ran.result.verdict,
        ...(ran.result.exitCode !== null ? { 'process.exit.code': ran.result.exitCode } : {}),
        'job.duration_ms': ran.result.durationMs,
        ...(ran.result.cpuTimeMs !== null ? { 'job.cpu_time_ms': ran.result.cpuTimeMs } : {}),
        'job.artifacts': ran.result.artifacts.length,
        'job.artifact_bytes': sizeOf(ran.result.artifacts),
        'job.output_dropped_bytes': ran.droppedBytes,
        'sandbox.source': ran.result.sandbox ?? 'none',
      });
      // Stored before the end is recorded: whoever sees the job ended can fetch its artifacts.
      copy = null;
      await inSpan('job.store', {}, () =>
        deps.files.checkin(
          jobId,
          prepared.dirs,
          ran.result.artifacts.map((a) => a.name),
        ),
      );
      return await recordOutcome(job, deps.logs, prepared.spec, ran);
    } catch (err) {
      if (err instanceof UnrecoverableError || err instanceof WaitingError) throw err;
      const failure = classifyFailure(err, secrets);
      if (failure.kind === 'refused') {
        // Refused before any container existed: the job fails, it never runs unprotected.
        await deps.logs.append(jobId, note(failure.note)).catch(() => undefined);
        return await failForGood(job, deps.logs, emptySummary(failure.error));
      }
      if (failure.kind === 'engine-down' && deps.onEngineDown) {
        deps.onEngineDown(failure.reason);
        span?.setAttributes({ 'job.verdict': 'handed back', 'job.handed_back': 'engine away' });
        return await handBack(job, token, deps.logs, log, 'the Docker engine is unreachable');
      }
      log.warn('platform error', { try: tryOf(job), attempts, error: failure.reason });
      if (span) {
        // The reason in words, scrubbed of the job's secrets as everywhere it is stored.
        span.setAttribute('job.verdict', 'platform error');
        span.recordException({ name: 'PlatformFailureError', message: failure.reason });
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: `platform error: ${failure.reason}`,
        });
      }
      await deps.logs
        .append(
          jobId,
          note(`platform error on attempt ${tryOf(job)} of ${attempts}: ${failure.reason}`),
        )
        .catch(() => undefined);
      // The last try's log is over; an earlier one's goes on with the retry.
      if (tryOf(job) >= attempts) await deps.logs.end(jobId).catch(() => undefined);
      throw new PlatformFailureError(failure.reason);
    } finally {
      deps.cancels.release(jobId);
      if (copy) await deps.files.release(copy).catch(() => undefined);
    }
  };
}

const sizeOf = (files: { size: number }[] | undefined): number =>
  Array.isArray(files) ? files.reduce((n, f) => n + (Number(f?.size) || 0), 0) : 0;

/**
 * What a start says in the job's log before it runs: a retry or a rerun. A rerun first removes
 * every sandbox of an earlier attempt (its worker was killed and it may still run the program),
 * so the program never runs twice at once.
 */
async function beforeRun(
  job: Job<JobData>,
  jobId: string,
  deps: JobProcessorDeps,
  log: Logger,
): Promise<void> {
  if (job.attemptsMade > 0)
    await deps.logs.append(
      jobId,
      note(`attempt ${tryOf(job)} of ${job.opts.attempts ?? 1} after a platform failure`),
    );
  else if (startsOf(job) > 1)
    await deps.logs.append(
      jobId,
      note('rerun from the start: the previous run was interrupted (its worker stopped or died)'),
    );
  if (startsOf(job) > 1 && deps.inventory) {
    const removed = await removeEarlierAttempts(deps.inventory, jobId);
    if (removed > 0) {
      log.warn('removed the sandbox of an earlier attempt', { sandboxes: removed });
      await deps.logs.append(
        jobId,
        note('a sandbox of an earlier attempt was still there: removed before this run'),
      );
    }
  }
}
