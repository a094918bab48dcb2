import type { RequestHandler } from 'express';
import { callerKey } from '../auth/caller-key';
import type { JobService } from '@job-runner/jobs';
import { badHeader } from '../errors/http-error';
import { parseEventId } from '../sse/log-event-id';
import { streamLog, type StreamLogOptions } from '../sse/stream-log';
import type { StreamSlots } from '../sse/stream-slots';

/** GET /jobs/:id/logs/stream: Server-Sent Events, one `data:` per line, then `event: end`. */
export function streamLogs(
  jobs: JobService,
  slots: StreamSlots,
  opts: StreamLogOptions = {},
): RequestHandler<{ id: string }> {
  return async (req, res) => {
    const raw = req.get('Last-Event-ID') ?? (req.query.last_event_id as string | undefined);
    const resume = raw === undefined || raw.trim() === '' ? null : parseEventId(raw);
    if (raw !== undefined && raw.trim() !== '' && !resume)
      throw badHeader(
        'Last-Event-ID',
        'Last-Event-ID must be an event id this stream sent (like 1700000000000-0.3)',
      );
    // The slot is taken, and given back on close, before anything is awaited: a client that
    // leaves at any moment frees it.
    const release = slots.acquire();
    res.once('close', release);
    try {
      await jobs.view(req.params.id, callerKey(res)); // a 404 before any event
    } catch (err) {
      release();
      throw err;
    }
    await streamLog(req, res, jobs, req.params.id, resume, opts);
  };
}
