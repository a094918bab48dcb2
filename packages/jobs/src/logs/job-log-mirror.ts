import type { Job } from 'bullmq';

/** Longest row mirrored; the full line stays in the log stream. */
export const MAX_MIRROR_ROW_CHARS = 500;

/**
 * Terminal escapes and other control characters: the board shows rows as text, and a row must
 * not move a cursor, set a title or hide what follows. Tabs stay.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Mirrors a job's output into its BullMQ job log (what the admin board's Logs tab shows), one
 * row per line. The job's `keepLogs` option (set at submit from BOARD_LOG_LINES) makes BullMQ trim
 * the list to the last rows on each write; a job without it is not mirrored. So the mirror of a
 * job is at most BOARD_LOG_LINES rows of MAX_MIRROR_ROW_CHARS: a small constant beside the log.
 * Best effort: the real log is the stream in LogStore, so a failed write never fails the job.
 */
export class JobLogMirror {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly keepLines: number;

  constructor(
    private readonly job: Job,
    /** Applied to each batch first, before it is cut (scrubbing the job's secret values). */
    private readonly filter: (text: string) => string = (t) => t,
  ) {
    this.keepLines = job.opts.keepLogs ?? 0;
  }

  write(text: string): void {
    if (this.keepLines <= 0 || !text) return;
    // Scrubbed whole: a secret spanning lines, or longer than a row, is gone before any cut.
    const lines = this.filter(text).split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    // Rows older than the last keepLines would be trimmed at once; do not send them at all.
    const rows = lines.slice(-this.keepLines).map((l) => {
      const row = l.replace(/\r$/, '').replace(CONTROL, '\uFFFD');
      return row.length > MAX_MIRROR_ROW_CHARS ? `${row.slice(0, MAX_MIRROR_ROW_CHARS)}…` : row;
    });
    const { job } = this;
    // Issued together on one connection, the writes keep their order.
    this.chain = this.chain.then(() =>
      Promise.all(rows.map((row) => job.log(row))).catch(() => undefined),
    );
  }

  /** Waits for the writes issued so far. */
  async close(): Promise<void> {
    await this.chain;
  }
}
