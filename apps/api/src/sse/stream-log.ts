import type { Request, Response } from 'express';
import type { LogEntry, JobService } from '@job-runner/jobs';
import { isEnded } from '@job-runner/jobs';
import { formatEventId, parseEventId } from './log-event-id';

export interface StreamLogOptions {
  /** How long one blocking read waits; also the keep-alive period. */
  blockMs?: number;
}

/**
 * Serves a job's output as Server-Sent Events: the backlog, then live lines, then `event: end`.
 * Each client gets one Redis connection of its own for its blocking reads, closed the moment
 * the client goes away.
 */
export async function streamLog(
  req: Request,
  res: Response,
  jobs: JobService,
  jobId: string,
  opts: StreamLogOptions = {},
) {
  const blockMs = opts.blockMs ?? 10_000;
  const resume = parseEventId(
    req.get('Last-Event-ID') ?? (req.query.last_event_id as string | undefined),
  );
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  const reader = jobs.connection.duplicate({ connectionName: `sse:${jobId}` });
  let closed = false;
  req.on('close', () => {
    closed = true;
    reader.disconnect();
  });
  const send = (entries: LogEntry[], skipThrough?: { entryId: string; line: number }) => {
    let out = '';
    for (const entry of entries) {
      const lines = entry.text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      lines.forEach((line, i) => {
        if (skipThrough && entry.id === skipThrough.entryId && i <= skipThrough.line) return;
        const data = line
          .split('\r')
          .map((part) => `data: ${part}`)
          .join('\n');
        out += `id: ${formatEventId(entry.id, i)}\n${data}\n\n`;
      });
    }
    if (out) res.write(out);
  };
  const end = () => {
    if (!closed) res.end('event: end\ndata: \n\n');
    closed = true;
    reader.disconnect();
  };
  try {
    // The backlog: from the resumed entry itself (its later lines), or from the start.
    let lastId = '0';
    let read;
    if (resume) {
      read = await jobs.logs.readAt(jobId, resume.entryId, reader);
      send(read.entries, resume);
    } else {
      read = await jobs.logs.readFrom(jobId, '0', reader);
      send(read.entries);
    }
    lastId = read.lastId;
    while (!closed && !read.ended) {
      read = await jobs.logs.waitFrom(jobId, lastId === '0' ? '0-0' : lastId, blockMs, reader);
      if (closed) break;
      send(read.entries);
      lastId = read.lastId;
      if (read.ended) break;
      if (read.entries.length === 0) {
        res.write(': keep-alive\n\n');
        // A job can end with no end marker (lost worker, removed): the job itself says so.
        const view = await jobs.view(jobId).catch(() => null);
        if (!view || (isEnded(view.status) && view.finished_at)) {
          send((await jobs.logs.readFrom(jobId, lastId, reader)).entries);
          break;
        }
      }
    }
    end();
  } catch (err) {
    if (closed) return; // the client left; the disconnect made the read fail
    res.write(`event: error\ndata: ${JSON.stringify((err as Error).message)}\n\n`);
    end();
  }
}
