import type { RequestHandler } from 'express';
import { callerKey } from '../auth/caller-key';
import type { JobService } from '@job-runner/jobs';
import { jobBody } from './job-body';

/** POST /jobs/:id/cancel and DELETE /jobs/:id: 200 with the job; 409 when it has ended. */
export function cancelJob(jobs: JobService): RequestHandler<{ id: string }> {
  return async (req, res) => {
    res.json(jobBody(await jobs.cancel(req.params.id, callerKey(res))));
  };
}
