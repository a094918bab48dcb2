import type { RequestHandler } from 'express';
import type { JobService } from '@job-runner/jobs';
import { jobBody } from './job-body';

/** GET /jobs/:id: the job, and how many lines of output it has so far (`log_lines`). */
export function getJob(jobs: JobService): RequestHandler<{ id: string }> {
  return async (req, res) => {
    const job = await jobs.view(req.params.id);
    res.json(jobBody(job, { log_lines: await jobs.lineCount(req.params.id) }));
  };
}
