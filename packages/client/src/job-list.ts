import type { JobStatus, JobView } from '@job-runner/jobs';

export interface ListOptions {
  status?: JobStatus;
  /** 1..100; the server's default is 20. */
  limit?: number;
  /** `nextCursor` of the page before. */
  cursor?: string;
  signal?: AbortSignal;
}

/** A job as `GET /jobs` lists it: queued jobs carry their place in the queue. */
export type ListedJob = JobView & { queue_position?: number | null };

export interface JobList {
  /** Newest first. */
  jobs: ListedJob[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}
