import type { RequestHandler } from 'express';
import type { JobService } from '@job-runner/jobs';

/** GET /jobs/:id: the job view and how many lines of output it has so far. */
export function getJob(jobs: JobService): RequestHandler<{ id: string }> {
  return async (req, res) => {
    const job = await jobs.view(req.params.id);
    res.json({ job, log_lines: await jobs.lineCount(req.params.id) });
  };
}
