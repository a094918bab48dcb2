import type { Request, Response } from 'express';
import { hasEnded, type JobService, type JobView, type LogEntry } from '@job-runner/jobs';
import { callerKey } from '../auth/caller-key';
import { formatEventId, type LogPosition } from './log-event-id';

export interface StreamLogOptions {
  /** Keep-alive period of an idle stream; also how often it checks the job is still on. */
  keepAliveMs?: number;
}

/** The final event's data: what a client needs to know the verdict without another request. */
/** How long the end event waits for BullMQ to record the end the log already announced. */
const SETTLE_MS = 10_000;

export const endEvent = (view: Pick<JobView, 'status' | 'exit_code' | 'error'> | null) =>
  `event: end\ndata: ${JSON.stringify(
    view ? { status: view.status, exit_code: view.exit_code, error: view.error } : {},
  )}\n\n`;

/** One SSE event per line; a carriage return inside a line starts another `data:` line. */
function lineEvents(entries: LogEntry[], skipThrough: LogPosition | null): string {
  let out = '';
  for (const entry of entries) {
    const lines = entry.text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    lines.forEach((line, i) => {
      if (skipThrough && entry.id === skipThrough.entryId && i <= skipThrough.line) return;
      const data = line
        .replace(/\r$/, '') // CRLF output is one line, not a line and an empty one
        .split('\r')
        .map((part) => `data: ${part}`)
        .join('\n');
      out += `id: ${formatEventId(entry.id, i)}\n${data}\n\n`;
    });
  }
  return out;
}

/**
 * Serves a job's output as Server-Sent Events: the backlog, then live lines, then `event: end`
 * with the final status. Live lines come from the process's one shared log follower; this
 * stream holds no Redis connection of its own. A client that leaves, at any moment, stops
 * everything at once (`res` closes: the follow and the timer go).
 */
export async function streamLog(
  req: Request,
  res: Response,
  jobs: JobService,
  jobId: string,
  resume: LogPosition | null,
  opts: StreamLogOptions = {},
): Promise<void> {
  const keepAliveMs = opts.keepAliveMs ?? 10_000;
  // The caller's key: the job is its own (checked before the stream began), so every later
  // read of it is made as that key too, or a keyed server would answer them "not found".
  const owner = callerKey(res);
  let closed = res.destroyed || req.destroyed;
  let unfollow: (() => void) | null = null;
  let timer: NodeJS.Timeout | undefined;
  const finished = new Promise<void>((resolve) => {
    const done = () => {
      closed = true;
      unfollow?.();
      clearInterval(timer);
      resolve();
    };
    res.once('close', done);
    if (closed) done();
  });
  const write = (text: string) => {
    if (!closed && text) res.write(text);
  };
  const end = (view: JobView | null) => {
    if (!closed) res.end(endEvent(view));
  };
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  try {
    // The backlog: from the resumed entry itself (its later lines), or from the start.
    const backlog = resume
      ? await jobs.readLogEntries(jobId, resume.entryId, true)
      : await jobs.readLogEntries(jobId, '0');
    write(lineEvents(backlog.entries, resume));
    // The log's end marker comes a moment before BullMQ records the job's end: the verdict is
    // read once the job has settled (through BullMQ's events, not by polling).
    const settled = () =>
      jobs.waitForEnd(jobId, SETTLE_MS, owner).then(
        ({ view }) => end(view),
        () => end(null),
      );
    if (backlog.ended) return void (await settled());
    if (closed) return;
    let lastId = backlog.lastId;
    let idle = true;
    unfollow = jobs.followLog(jobId, lastId, (read) => {
      idle = false;
      lastId = read.lastId;
      write(lineEvents(read.entries, null));
      if (read.ended) void settled();
    });
    timer = setInterval(() => {
      if (!idle) {
        idle = true;
        return;
      }
      write(': keep-alive\n\n');
      // A job can end with no end marker (a lost worker, removed by retention): the job says so.
      void jobs.view(jobId, owner).then(
        async (view) => {
          if (!hasEnded(view)) return;
          write(lineEvents((await jobs.readLogEntries(jobId, lastId)).entries, null));
          end(view);
        },
        () => end(null),
      );
    }, keepAliveMs);
  } catch (err) {
    if (!closed) {
      write(`event: error\ndata: ${JSON.stringify((err as Error).message)}\n\n`);
      end(null);
    }
  }
  await finished;
}
