import fs from 'node:fs';
import path from 'node:path';
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { Logger } from '@job-runner/logger';
import {
  OutboundUnavailableError,
  SandboxPlatformError,
  type SandboxRunner,
} from '@job-runner/sandbox';
import type { JobFiles } from '../files/job-files';
import { JobLogMirror } from '../logs/job-log-mirror';
import { LogWriter } from '../logs/log-writer';
import type { LogStore } from '../logs/log-store';
import { OutputCapture } from '../logs/output-capture';
import { CANCELED } from '../queue/job-view';
import type { JobData, JobProgress, RunSummary } from '../queue/job-data';
import { readJobEnv } from '../secrets/job-env-file';
import { scrubSecrets } from '../secrets/redact';
import { HAND_BACK, type CancelRegistry } from './cancel-registry';

export interface JobProcessorDeps {
  runner: SandboxRunner;
  files: JobFiles;
  logs: LogStore;
  cancels: CancelRegistry;
  logger: Logger;
  /** Runtime name -> image. */
  runtimes: Record<string, string>;
  maxLogBytes: number;
  /** Labels for this worker's sandboxes. */
  labels: Record<string, string>;
  /** True when the job's data says it was canceled while queued (read fresh from Redis). */
  isCanceled: (job: Job<JobData>) => Promise<boolean>;
}

const note = (text: string) => `[job-runner] ${text}\n`;
/** The job's error when net_policy outbound cannot be honoured safely. */
export const OUTBOUND_UNAVAILABLE = 'outbound network unavailable';

/**
 * Runs one job: its program's failures become a `failed` job that is never retried
 * (UnrecoverableError); the platform's own failures are thrown as they are, so BullMQ retries them.
 */
export function createJobProcessor(deps: JobProcessorDeps) {
  return async function processJob(job: Job<JobData>, token?: string): Promise<RunSummary> {
    const jobId = String(job.id);
    const log = deps.logger.child({ jobId });
    const signal = deps.cancels.register(jobId);
    const attempt = (job.attemptsStarted ?? job.attemptsMade + 1) || 1;
    const attempts = job.opts.attempts ?? 1;
    // BullMQ retries by attemptsMade; a rerun after a hand-back or a stall does not count.
    const finalAttempt = job.attemptsMade + 1 >= attempts;
    const progress = (p: JobProgress) =>
      job.updateProgress(p as unknown as object).catch(() => undefined);
    // Known once read from disk; scrubbed from anything this processor writes to Redis.
    let secrets: Record<string, string> = {};
    try {
      if (job.data.canceled || (await deps.isCanceled(job))) {
        await deps.logs.end(jobId);
        throw new UnrecoverableError(CANCELED);
      }
      if (signal.reason === HAND_BACK) return await handBack(job, token, deps);
      await progress({ phase: 'preparing' });
      if (job.attemptsMade > 0)
        await deps.logs.append(
          jobId,
          note(`attempt ${job.attemptsMade + 1} of ${attempts} after a platform failure`),
        );
      else if (attempt > 1)
        await deps.logs.append(
          jobId,
          note(
            'rerun from the start: the previous run was interrupted (its worker stopped or died)',
          ),
        );
      const { spec } = job.data;
      const dirs = deps.files.dirs(jobId);
      const entry = await fs.promises.lstat(path.join(dirs.code, spec.entry)).catch(() => null);
      if (!entry?.isFile()) {
        await deps.logs.append(
          jobId,
          note(`missing entry file: ${spec.entry} is not among the code files`),
        );
        return await fail(job, deps, { ...emptySummary(), error: 'missing entry file' });
      }
      const image = deps.runtimes[spec.runtime];
      if (!image)
        return await fail(job, deps, {
          ...emptySummary(),
          error: `unknown runtime ${spec.runtime}`,
        });

      const env = job.data.envOnDisk ? await readJobEnv(dirs.root) : spec.env;
      secrets = env;
      await deps.files.resetOutput(jobId);
      const mirror = new JobLogMirror(job, (l) => scrubSecrets(l, env));
      const writer = new LogWriter(deps.logs, jobId, { onFlush: (t) => mirror.write(t) });
      const capture = new OutputCapture({
        maxBytes: deps.maxLogBytes,
        emit: (t) => writer.write(t),
      });
      log.info('running', { runtime: spec.runtime, attempt });
      const result = await deps.runner.run({
        jobId,
        image,
        entry: spec.entry,
        args: spec.args,
        env,
        limits: {
          timeoutSec: spec.timeout_sec,
          cpus: spec.cpu_limit,
          memoryMb: spec.mem_limit_mb,
          pids: spec.pids_limit,
        },
        netPolicy: spec.net_policy,
        codeDir: dirs.code,
        inputDir: dirs.input,
        outputDir: dirs.output,
        labels: deps.labels,
        signal,
        onOutput: (chunk, stream) => capture.write(chunk, stream),
        onNotice: (message) => capture.write(Buffer.from(note(message)), 'stderr'),
        onPhase: (phase) => void progress({ phase }),
      });
      capture.end();
      await writer.close();
      await mirror.close();
      if (result.verdict === 'canceled' && signal.reason === HAND_BACK)
        return await handBack(job, token, deps);
      const summary: RunSummary = {
        exit_code: result.exitCode,
        error: result.verdict === 'succeeded' ? null : result.verdict,
        duration_ms: result.durationMs,
        peak_memory_bytes: result.peakMemoryBytes,
        artifacts: result.artifacts,
        output_dropped_bytes: capture.dropped,
      };
      log.info('run ended', {
        verdict: result.verdict,
        exitCode: result.exitCode,
        durationMs: result.durationMs,
      });
      if (result.verdict !== 'succeeded') {
        if (result.verdict === 'timeout')
          await deps.logs.append(jobId, note(`killed after timeout_sec=${spec.timeout_sec}`));
        if (result.verdict === 'oom')
          await deps.logs.append(
            jobId,
            note(`killed: out of memory (mem_limit_mb=${spec.mem_limit_mb})`),
          );
        return await fail(job, deps, summary);
      }
      await progress({ phase: 'finished', result: summary });
      await deps.logs.end(jobId);
      return summary;
    } catch (err) {
      if (err instanceof UnrecoverableError || err instanceof WaitingError) throw err;
      if (err instanceof OutboundUnavailableError) {
        // Refused before any container existed: the job fails, it never runs with open network.
        await deps.logs.append(jobId, note(err.message)).catch(() => undefined);
        return await fail(job, deps, { ...emptySummary(), error: OUTBOUND_UNAVAILABLE });
      }
      // The reason lands in Redis (failedReason, stacktrace) and on the board: no secret values.
      const reason = scrubSecrets(
        err instanceof SandboxPlatformError ? err.message : `unexpected: ${(err as Error).message}`,
        secrets,
      );
      log.warn('platform error', { attempt, attempts, error: reason });
      await deps.logs
        .append(
          jobId,
          note(`platform error on attempt ${job.attemptsMade + 1} of ${attempts}: ${reason}`),
        )
        .catch(() => undefined);
      if (finalAttempt) await deps.logs.end(jobId).catch(() => undefined);
      throw new Error(`platform error: ${reason}`);
    } finally {
      deps.cancels.release(jobId);
    }
  };
}

function emptySummary(): RunSummary {
  return {
    exit_code: null,
    error: null,
    duration_ms: 0,
    peak_memory_bytes: null,
    artifacts: [],
    output_dropped_bytes: 0,
  };
}

/** Records the run's summary where the job view finds it, ends the log, and fails for good. */
async function fail(
  job: Job<JobData>,
  deps: JobProcessorDeps,
  summary: RunSummary,
): Promise<never> {
  await job.updateProgress({ phase: 'finished', result: summary } satisfies JobProgress);
  await deps.logs.end(String(job.id));
  throw new UnrecoverableError(summary.error ?? 'failed');
}

/**
 * The worker is shutting down and its grace period is over: the run was stopped, and the job
 * goes back to the queue (without using up an attempt) for another worker to run from scratch.
 */
async function handBack(
  job: Job<JobData>,
  token: string | undefined,
  deps: JobProcessorDeps,
): Promise<never> {
  const jobId = String(job.id);
  await deps.logs.append(
    jobId,
    note('the worker is shutting down: this run was stopped and the job handed back for a rerun'),
  );
  await job.updateProgress({ phase: 'queued' } satisfies JobProgress);
  await job.moveToWait(token);
  deps.logger.info('job handed back', { jobId });
  throw new WaitingError();
}
