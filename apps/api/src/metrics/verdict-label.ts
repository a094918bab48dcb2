import type { JobView } from '@job-runner/jobs';

/** Verdicts kept as they are; anything else is folded so label values stay few. */
const KNOWN = new Set(['non-zero exit', 'timeout', 'oom', 'missing entry file', 'output limit']);

/** The `verdict` label of an ended job: a small, fixed set of values. */
export function verdictLabel(view: Pick<JobView, 'status' | 'error'>): string {
  if (view.status === 'succeeded') return 'succeeded';
  if (view.status === 'canceled') return 'canceled';
  const error = view.error ?? '';
  if (KNOWN.has(error)) return error;
  if (error.startsWith('platform error')) return 'platform error';
  if (error.startsWith('unknown runtime')) return 'unknown runtime';
  if (error.includes('stalled')) return 'worker lost';
  return 'other';
}
