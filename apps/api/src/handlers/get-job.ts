import type { RequestHandler } from 'express';
import type { JobService } from '@job-runner/jobs';

/** GET /jobs/:id */
export function getJob(jobs: JobService): RequestHandler<{ id: string }> {
  return async (req, res) => {
    const job = await jobs.view(req.params.id);
    res.json({ job, log_lines: await jobs.logs.lineCount(req.params.id) });
  };
}
