import { UnrecoverableError, type Job } from 'bullmq';
import type { LogStore } from '../logs/log-store';
import type { JobData, JobProgress, RunSummary } from '../queue/job-data';
import type { JobSpec } from '../spec/job-spec';
import { note } from './job-note';
import type { RunWithLogs } from './run-with-logs';

/** The summary of a job that never reached its program. */
export function emptySummary(error: string | null = null): RunSummary {
  return {
    exit_code: null,
    error,
    duration_ms: 0,
    cpu_time_ms: null,
    peak_memory_bytes: null,
    artifacts: [],
    output_dropped_bytes: 0,
  };
}

/**
 * Step 3: what the run means for the job. A success is returned (BullMQ stores it as the
 * return value); anything else is recorded where the job view finds it and ends the job for good
 * (UnrecoverableError: a program's failure is never retried).
 */
export async function recordOutcome(
  job: Job<JobData>,
  logs: LogStore,
  spec: JobSpec,
  { result, droppedBytes }: RunWithLogs,
): Promise<RunSummary> {
  const summary: RunSummary = {
    exit_code: result.exitCode,
    error: result.verdict === 'succeeded' ? null : result.verdict,
    duration_ms: result.durationMs,
    cpu_time_ms: result.cpuTimeMs,
    peak_memory_bytes: result.peakMemoryBytes,
    sandbox: result.sandbox ?? null,
    artifacts: result.artifacts,
    output_dropped_bytes: droppedBytes,
  };
  const jobId = String(job.id);
  if (result.verdict === 'timeout')
    await logs.append(jobId, note(`killed after timeout_sec=${spec.timeout_sec}`));
  if (result.verdict === 'oom')
    await logs.append(jobId, note(`killed: out of memory (mem_limit_mb=${spec.mem_limit_mb})`));
  if (result.verdict !== 'succeeded') return failForGood(job, logs, summary);
  await job.updateProgress({ phase: 'finished', result: summary } satisfies JobProgress);
  await logs.end(jobId);
  return summary;
}

/** Records the run's summary where the job view finds it, ends the log, and fails for good. */
export async function failForGood(
  job: Job<JobData>,
  logs: LogStore,
  summary: RunSummary,
): Promise<never> {
  await job.updateProgress({ phase: 'finished', result: summary } satisfies JobProgress);
  await logs.end(String(job.id));
  throw new UnrecoverableError(summary.error ?? 'failed');
}
