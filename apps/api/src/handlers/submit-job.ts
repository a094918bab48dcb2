import type { RequestHandler } from 'express';
import type { JobService } from '@job-runner/jobs';
import { readSubmission } from '../uploads/read-submission';
import type { UploadLimits } from '../uploads/submission';
import { jobBody } from './job-body';

/** POST /jobs: queue and answer at once, `{"job_id", "status": "queued", "job"}`. */
export function submitJob(jobs: JobService, limits: UploadLimits): RequestHandler {
  return async (req, res) => {
    const sub = await readSubmission(req, jobs, limits);
    res.json(jobBody(await jobs.submit(sub.spec, sub.staged, sub.files)));
  };
}
