import type { RequestHandler } from 'express';
import { callerKey } from '../auth/caller-key';
import { parseListQuery, type JobService } from '@job-runner/jobs';

/**
 * GET /jobs: jobs newest first, `{"jobs": [view...], "next_cursor"}`; `?status=`, `?limit=`,
 * `?cursor=` (the previous page's next_cursor). Queued jobs carry `queue_position`.
 */
export function listJobs(jobs: JobService): RequestHandler {
  return async (req, res) => {
    res.json(await jobs.list(parseListQuery(req.query), callerKey(res)));
  };
}
