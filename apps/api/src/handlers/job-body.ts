import type { JobView } from '@job-runner/jobs';

/**
 * The one shape of every answer about a job: its id and status at the top (the legacy
 * service's `job_id` and `status`), the whole view under `job`, and what the route adds.
 */
export const jobBody = <V extends JobView>(job: V, extra: Record<string, unknown> = {}) => ({
  job_id: job.id,
  status: job.status,
  job,
  ...extra,
});
