import type { Queue } from 'bullmq';
import type { JobData } from '../queue/job-data';
import { hasEnded, toJobView, type JobView } from '../queue/job-view';

/**
 * The body of a job-end callback: the shape of every API answer about a job (`job_id` and
 * `status` at the top, the view under `job`), so a receiver parses it as it parses the answer of
 * GET /jobs/{id}. The view leaves out `callback`, the state of this very delivery, which would be
 * out of date by the time it is read.
 */
export function callbackBody(view: JobView): string {
  const job: Partial<JobView> = { ...view };
  delete job.callback;
  return JSON.stringify({ job_id: view.id, status: view.status, job });
}

export type FinalBody = { kind: 'body'; body: string } | { kind: 'not-ended' } | { kind: 'gone' };

/**
 * The callback body of a job that has ended; `not-ended` while BullMQ has not recorded its end
 * yet (its worker announces the end a moment before), `gone` once retention removed it. The
 * state is read before the record, as JobService.view does.
 */
export async function finalBody(jobs: Queue<JobData>, jobId: string): Promise<FinalBody> {
  const state = await jobs.getJobState(jobId);
  const job = await jobs.getJob(jobId);
  if (!job) return { kind: 'gone' };
  const view = toJobView(job, state);
  return hasEnded(view) ? { kind: 'body', body: callbackBody(view) } : { kind: 'not-ended' };
}
