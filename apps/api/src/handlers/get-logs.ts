import type { RequestHandler } from 'express';
import type { JobService } from '@job-runner/jobs';

/** GET /jobs/:id/logs: the combined output so far, as plain text. */
export function getLogs(jobs: JobService): RequestHandler<{ id: string }> {
  return async (req, res) => {
    await jobs.getJob(req.params.id);
    res.type('text/plain; charset=utf-8').send(await jobs.logs.text(req.params.id));
  };
}
