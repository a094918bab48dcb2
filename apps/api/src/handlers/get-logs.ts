import type { RequestHandler } from 'express';
import { callerKey } from '../auth/caller-key';
import type { JobService } from '@job-runner/jobs';

/**
 * GET /jobs/:id/logs: the combined output so far, as plain text, byte for byte as the program
 * wrote it (terminal escapes included: fine for a terminal, to be escaped by anything else).
 */
export function getLogs(jobs: JobService): RequestHandler<{ id: string }> {
  return async (req, res) => {
    const text = await jobs.readLog(req.params.id, callerKey(res));
    res.type('text/plain; charset=utf-8').send(text);
  };
}
