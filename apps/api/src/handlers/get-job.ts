import type { RequestHandler } from 'express';
import { callerKey } from '../auth/caller-key';
import type { JobService } from '@job-runner/jobs';
import { jobBody } from './job-body';

/**
 * GET /jobs/:id: the job (with `queue_position` while it waits in line), and how many lines of
 * output it has so far (`log_lines`).
 */
export function getJob(jobs: JobService): RequestHandler<{ id: string }> {
  return async (req, res) => {
    const id = req.params.id;
    const job = await jobs.view(id, callerKey(res));
    const position = job.status === 'queued' ? await jobs.queuePosition(id) : null;
    res.json(
      jobBody({ ...job, queue_position: position }, { log_lines: await jobs.lineCount(id) }),
    );
  };
}
