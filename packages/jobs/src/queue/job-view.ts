import type { Job, JobState } from 'bullmq';
import { pendingCallback, type CallbackView } from '../callbacks/callback-view';
import type { JobSpec } from '../spec/job-spec';
import { startsOf } from './attempts';
import { STALLED_REASON } from './bullmq-internals';
import type { JobData, JobPhase, JobProgress, RunSummary } from './job-data';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

/** The wire view of a job (snake_case, as the legacy service had it), plus a few extras. */
export interface JobView {
  id: string;
  spec: JobSpec;
  status: JobStatus;
  created_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  exit_code: number | null;
  error: string | null;
  artifacts: string[];
  phase: JobPhase;
  attempts: number;
  queue_wait_ms: number | null;
  duration_ms: number | null;
  cpu_time_ms: number | null;
  peak_memory_bytes: number | null;
  /** `warm`: its sandbox came ready from a pool; `cold`: it was made for the job. */
  sandbox: 'warm' | 'cold' | null;
  /** The job-end callback's delivery (spec.callback_url); null: the job has none. */
  callback: CallbackView | null;
}

export const CANCELED = 'canceled';

/** The reason a job whose worker kept dying shows, in the words of our verdicts. */
export const WORKER_LOST =
  'platform error: worker lost (it died while running the job, more often than MAX_STALLED_COUNT allows)';

const iso = (ms: number | undefined | null) => (ms ? new Date(ms).toISOString() : null);

/** Derives the view from BullMQ's own record of the job: state, data, progress, return value. */
export function toJobView(job: Job<JobData>, state: JobState | 'unknown'): JobView {
  const progress = (typeof job.progress === 'object' ? job.progress : {}) as Partial<JobProgress>;
  const result: RunSummary | undefined = (job.returnvalue as RunSummary | null) ?? progress.result;
  let status: JobStatus;
  let error: string | null = null;
  if (state === 'completed') status = 'succeeded';
  else if (state === 'failed') {
    error = (job.failedReason === STALLED_REASON ? WORKER_LOST : job.failedReason) || 'failed';
    status = error === CANCELED ? 'canceled' : 'failed';
  } else if (state === 'active') status = 'running';
  else status = job.data.canceled ? 'canceled' : 'queued';
  if (status === 'canceled') error = CANCELED;
  // A job canceled while queued ended for the client at its cancel, and never ran: that stays
  // so once a worker has taken it and dropped it.
  const neverRan = Boolean(job.data.canceledAt);
  const finishedAt = job.data.canceledAt ?? job.finishedOn;
  const ended =
    status === 'succeeded' || status === 'failed' || (status === 'canceled' && Boolean(finishedAt));
  return {
    id: String(job.id),
    spec: job.data.spec,
    status,
    created_at: iso(job.timestamp),
    started_at: neverRan ? null : iso(job.processedOn),
    finished_at: ended ? iso(finishedAt) : null,
    exit_code: result?.exit_code ?? null,
    error,
    artifacts: (result?.artifacts ?? []).map((a) => a.name),
    // The worker records 'finished' just before BullMQ marks the job ended: until then (and
    // finished_at) the job is still wrapping up, so the view says 'collecting'.
    phase: ended
      ? 'finished'
      : status === 'queued'
        ? 'queued'
        : progress.phase === 'finished'
          ? 'collecting'
          : (progress.phase ?? 'preparing'),
    attempts: neverRan ? 0 : startsOf(job),
    queue_wait_ms: job.processedOn && !neverRan ? job.processedOn - job.timestamp : null,
    duration_ms: result?.duration_ms ?? null,
    cpu_time_ms: result?.cpu_time_ms ?? null,
    peak_memory_bytes: result?.peak_memory_bytes ?? null,
    sandbox: result?.sandbox ?? null,
    // Its delivery's own state is read beside the job (JobService.view); this is the state
    // before there is a delivery.
    callback: pendingCallback(job.data.spec.callback_url),
  };
}

/**
 * The one definition of "the job has ended" for its clients: a final status and an end time
 * (a job BullMQ still finishes has the first without the second).
 */
export const hasEnded = (view: Pick<JobView, 'status' | 'finished_at'>): boolean =>
  view.status !== 'queued' && view.status !== 'running' && view.finished_at !== null;
