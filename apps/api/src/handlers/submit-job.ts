import type { RequestHandler } from 'express';
import { callerKey } from '../auth/caller-key';
import type { JobService, WorkerRegistry } from '@job-runner/jobs';
import { workerWarning } from '../health/worker-census';
import { readSubmission } from '../uploads/read-submission';
import type { UploadLimits } from '../uploads/submission';
import { jobBody } from './job-body';

/**
 * POST /jobs: queue and answer at once, `{"job_id", "status": "queued", "job"}`, plus a
 * `warning` when no worker has been alive for a while (the job waits in the queue meanwhile).
 */
export function submitJob(
  jobs: JobService,
  limits: UploadLimits,
  workers: WorkerRegistry,
): RequestHandler {
  return async (req, res) => {
    const sub = await readSubmission(req, jobs, limits);
    const view = await jobs.submit(sub.spec, sub.staged, sub.files, callerKey(res));
    const { warning } = await workerWarning(workers);
    res.json(jobBody(view, warning ? { warning } : {}));
  };
}
