import { WaitingError, type Job } from 'bullmq';
import type { Logger } from '@job-runner/logger';
import type { LogStore } from '../logs/log-store';
import type { JobData, JobProgress } from '../queue/job-data';
import { note } from './job-note';

/**
 * The run was stopped through no fault of the job's (its worker is shutting down, or the Docker
 * engine went away): the job goes back to the queue without using up an attempt, for a worker
 * to run from scratch.
 */
export async function handBack(
  job: Job<JobData>,
  token: string | undefined,
  logs: LogStore,
  logger: Logger,
  why: string,
): Promise<never> {
  const jobId = String(job.id);
  await logs.append(
    jobId,
    note(`${why}: this run was stopped and the job handed back for a rerun`),
  );
  await job.updateProgress({ phase: 'queued' } satisfies JobProgress);
  await job.moveToWait(token);
  logger.info('job handed back', { jobId, why });
  throw new WaitingError();
}
