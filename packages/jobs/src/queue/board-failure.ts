import type { JobSpec } from '../spec/job-spec';
import { STALLED_REASON } from './bullmq-internals';
import type { JobProgress, RunSummary } from './job-data';
import { CANCELED, WORKER_LOST } from './job-view';

/** What the board is given of a job: BullMQ's own JSON of it. */
export interface BoardJobJson {
  failedReason?: string | null;
  stacktrace?: string[] | null;
  progress?: unknown;
  data?: { spec?: Partial<JobSpec> } | null;
}

/** A failure as the board shows it: its Error tab shows the stack, or the reason without one. */
export interface BoardFailure {
  failedReason: string;
  stacktrace: string[];
}

/**
 * How the admin board shows a job's failure. The program's own failures (a non-zero exit, a
 * timeout, running out of memory, a cancel, a missing entry file) are verdicts, not crashes:
 * the verdict and what explains it (`non-zero exit (exit code 3)`, `timeout after 2 s`), and no
 * stack, which would only show where the worker threw (UnrecoverableError, install paths).
 * Platform failures keep their stack: that is where it helps. Only the board's copy changes:
 * failedReason stays the contract's verdict, which GET /jobs/{id}, metrics and the SSE end read.
 * Answers null when there is no failure to show.
 */
export function boardFailure(job: BoardJobJson): BoardFailure | null {
  const reason = job.failedReason;
  if (!reason) return null;
  const progress = (
    typeof job.progress === 'object' ? job.progress : null
  ) as Partial<JobProgress> | null;
  const result = progress?.result;
  // A verdict is what the worker recorded as the run's outcome before failing the job for good
  // (or a cancel, which may come before any run); anything else was thrown by the platform.
  if (reason === CANCELED || result?.error === reason)
    return { failedReason: explainVerdict(reason, result, job.data?.spec), stacktrace: [] };
  if (reason === STALLED_REASON)
    return { failedReason: WORKER_LOST, stacktrace: job.stacktrace ?? [] };
  return null;
}

/** A verdict with what explains it: the exit code, the limit that was reached. */
export function explainVerdict(
  verdict: string,
  result: Pick<RunSummary, 'exit_code'> | undefined,
  spec: Partial<JobSpec> | undefined,
): string {
  switch (verdict) {
    case 'non-zero exit':
      return typeof result?.exit_code === 'number'
        ? `non-zero exit (exit code ${result.exit_code})`
        : verdict;
    case 'timeout':
      return spec?.timeout_sec ? `timeout after ${spec.timeout_sec} s` : verdict;
    case 'oom':
      return spec?.mem_limit_mb ? `oom at ${spec.mem_limit_mb} MB` : verdict;
    case 'missing entry file':
      return spec?.entry ? `missing entry file (${spec.entry})` : verdict;
    default:
      return verdict;
  }
}
