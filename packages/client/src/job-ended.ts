import type { JobView } from '@job-runner/jobs';

/**
 * The server's definition of "ended" (a final status AND an end time: a job BullMQ is still
 * finishing has the first without the second), repeated here since the client may import
 * nothing from the server's packages at run time.
 */
export const jobEnded = (view: Pick<JobView, 'status' | 'finished_at'>): boolean =>
  view.status !== 'queued' && view.status !== 'running' && view.finished_at !== null;
