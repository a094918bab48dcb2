import type { JobSpec } from '../spec/job-spec';

/**
 * The job's BullMQ name, what a list of jobs on the board shows: the client's `spec.name`, or
 * the entry file and the runtime (`main.py (python)`). Nothing looks a job up by its name: the
 * worker takes every job of its queue, and clients go by id.
 */
export const jobName = (spec: Pick<JobSpec, 'name' | 'entry' | 'runtime'>): string =>
  spec.name ?? `${spec.entry} (${spec.runtime})`;
