import type { JobStatus } from '@job-runner/jobs';
import type { HttpTransport } from './http-transport';
import { JobRunnerConnectionError } from './job-runner-connection-error';
import { JobRunnerHttpError } from './job-runner-http-error';
import { abortReason, sleep } from './sleep';
import { SseParser } from './sse/sse-parser';
import type { EndEvent, StreamEvent, StreamOptions } from './stream-event';

const DEFAULT_MAX_RETRIES = 10;
const MAX_DELAY_MS = 5_000;

/**
 * A job's output as events, from `GET /jobs/{id}/logs/stream`. A connection that drops (or a
 * stream that stops without its end event, or a busy server) is opened again with the id of the
 * last line received as `Last-Event-ID`: the server then sends exactly the lines after it, so no
 * line is lost or repeated. An event cut off mid-way is never yielded (the parser drops it and
 * the resumed stream sends it whole).
 */
export async function* streamLog(
  http: HttpTransport,
  jobId: string,
  options: StreamOptions = {},
): AsyncGenerator<StreamEvent, void, undefined> {
  const { signal } = options;
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  let lastEventId = options.lastEventId ?? '';
  let failures = 0;
  // A server that never answered is most likely not there (a wrong URL): say so at once
  // rather than after half a minute of retries. Once it has answered, drops are retried.
  let answered = false;
  for (;;) {
    if (signal?.aborted) throw abortReason(signal);
    // Our own controller closes the connection whenever this generator stops: the consumer
    // broke out of its loop, the body failed, or the caller's signal fired.
    const connection = new AbortController();
    const onAbort = () => connection.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let failure: unknown;
    let retryAfterSec: number | null = null;
    try {
      const res = await http.request(`/jobs/${encodeURIComponent(jobId)}/logs/stream`, {
        headers: {
          accept: 'text/event-stream',
          ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
        },
        signal: connection.signal,
      });
      answered = true;
      if (!res.body) throw new Error('the log stream came with no body');
      const parser = new SseParser();
      const decoder = new TextDecoder();
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        const events = done
          ? parser.push(decoder.decode())
          : parser.push(decoder.decode(value, { stream: true }));
        for (const ev of events) {
          if (ev.event === 'end') {
            yield endEvent(ev.data);
            return;
          }
          if (ev.event === 'error') {
            // The server failed to read the log; its next stream may well succeed.
            failure = new Error(`the server's log stream failed: ${ev.data}`);
            break;
          }
          if (ev.event !== 'message') continue;
          lastEventId = ev.lastEventId;
          failures = 0;
          // The server splits a line at each carriage return into data lines: put them back.
          yield { type: 'line', id: ev.lastEventId, line: ev.dataLines.join('\r') };
        }
        if (failure) break;
        if (done) {
          failure = new Error('the log stream closed before its end event');
          break;
        }
      }
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      // Only I/O happens in here: an HTTP refusal is final unless the server is busy; anything
      // else (refused connection, a body cut off, fetch's "terminated") is worth a retry.
      if (err instanceof JobRunnerHttpError) {
        if (!retryable(err.status)) throw err;
        retryAfterSec = err.retryAfterSec;
      } else if (err instanceof JobRunnerConnectionError && !answered) throw err;
      failure = err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      connection.abort();
    }
    failures++;
    if (failures > maxRetries) {
      throw new Error(
        `gave up following the output of job ${jobId} after ${maxRetries} attempts in a row: ${
          failure instanceof Error ? failure.message : String(failure)
        }`,
        { cause: failure },
      );
    }
    await sleep(retryDelayMs(failures, retryAfterSec), signal);
  }
}

/** Worth another try: the server is busy or restarting, or something between us is. */
const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

/** 100 ms, 400 ms, 1.6 s, then 5 s; or what the server asked for (at most 30 s). */
const retryDelayMs = (failures: number, retryAfterSec: number | null) =>
  retryAfterSec !== null
    ? Math.min(retryAfterSec * 1000, 30_000)
    : Math.min(100 * 4 ** (failures - 1), MAX_DELAY_MS);

function endEvent(data: string): EndEvent {
  let v: { status?: unknown; exit_code?: unknown; error?: unknown } = {};
  try {
    const parsed: unknown = JSON.parse(data);
    if (parsed && typeof parsed === 'object') v = parsed;
  } catch {
    // An end with a body we cannot read is still the end; the job view has the verdict.
  }
  return {
    type: 'end',
    status: typeof v.status === 'string' ? (v.status as JobStatus) : null,
    exitCode: typeof v.exit_code === 'number' ? v.exit_code : null,
    error: typeof v.error === 'string' ? v.error : null,
  };
}
