import type { RequestHandler } from 'express';
import type { JobService } from '@job-runner/jobs';
import { streamLog, type StreamLogOptions } from '../sse/stream-log';

/** GET /jobs/:id/logs/stream: Server-Sent Events, one `data:` per line, then `event: end`. */
export function streamLogs(
  jobs: JobService,
  opts: StreamLogOptions = {},
): RequestHandler<{ id: string }> {
  return async (req, res) => {
    await jobs.getJob(req.params.id); // a 404 before any event
    await streamLog(req, res, jobs, req.params.id, opts);
  };
}
