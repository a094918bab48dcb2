import { WORKER_LOST, type JobView } from '@job-runner/jobs';

/** Verdicts a job can end with, kept as they are; anything else is folded so labels stay few. */
const KNOWN = new Set([
  'non-zero exit',
  'timeout',
  'oom',
  'missing entry file',
  'outbound network unavailable',
  'files do not fit',
]);

/** The `verdict` label of an ended job: a small, fixed set of values. */
export function verdictLabel(view: Pick<JobView, 'status' | 'error'>): string {
  if (view.status === 'succeeded') return 'succeeded';
  if (view.status === 'canceled') return 'canceled';
  const error = view.error ?? '';
  if (KNOWN.has(error)) return error;
  if (error === WORKER_LOST) return 'worker lost';
  if (error.startsWith('platform error')) return 'platform error';
  // A worker whose runtimes differ from the API's.
  if (error.startsWith('unknown runtime')) return 'unknown runtime';
  return 'other';
}
