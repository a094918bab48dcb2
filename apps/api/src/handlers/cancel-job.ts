import type { RequestHandler } from 'express';
import type { JobService } from '@job-runner/jobs';

/** POST /jobs/:id/cancel and DELETE /jobs/:id: 200 with the job; 409 when it has ended. */
export function cancelJob(jobs: JobService): RequestHandler<{ id: string }> {
  return async (req, res) => {
    const job = await jobs.cancel(req.params.id);
    res.json({ job_id: job.id, status: job.status, job });
  };
}
