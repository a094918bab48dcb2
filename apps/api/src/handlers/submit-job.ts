import type { RequestHandler } from 'express';
import type { JobService } from '@job-runner/jobs';
import { readSubmission } from '../uploads/read-submission';
import type { UploadLimits } from '../uploads/submission';

/** POST /jobs: queue and answer at once. */
export function submitJob(jobs: JobService, limits: UploadLimits): RequestHandler {
  return async (req, res) => {
    const sub = await readSubmission(req, jobs, limits);
    const jobId = await jobs.submit(sub.spec, sub.staged, sub.files);
    res.json({ job_id: jobId, status: 'queued' });
  };
}
