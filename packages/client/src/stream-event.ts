import type { JobStatus } from '@job-runner/jobs';

/** One line of the job's output (stdout and stderr together), without its line ending. */
export interface LineEvent {
  type: 'line';
  /** The line's SSE id: hand it to `stream(..., { lastEventId })` to go on after it. */
  id: string;
  line: string;
}

/**
 * The end of the output. Its verdict is what the server saw as the log ended; the job's record
 * may still be catching up (`client.wait()` gives the final view).
 */
export interface EndEvent {
  type: 'end';
  status: JobStatus | null;
  exitCode: number | null;
  error: string | null;
}

export type StreamEvent = LineEvent | EndEvent;

export interface StreamOptions {
  /** Start after this line (an id from an earlier `LineEvent`); from the first line without. */
  lastEventId?: string;
  signal?: AbortSignal;
  /**
   * How many times in a row a dropped or refused connection is retried (with a growing delay)
   * before the stream gives up; any line received resets the count. Default 10.
   */
  maxRetries?: number;
}
