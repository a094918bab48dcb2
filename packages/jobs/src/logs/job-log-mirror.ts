import type { Job } from 'bullmq';

/** Longest line mirrored; the full text stays in the log stream. */
const MAX_ROW_CHARS = 4096;

/**
 * Mirrors a job's output into its BullMQ job log (what the admin board's Logs tab shows), one
 * row per line. The job's `keepLogs` option (set at submit from BOARD_LOG_LINES) makes BullMQ trim
 * the list to the last rows on each write; a job without it is not mirrored, so the list is always
 * bounded. Best effort: the real log is the stream in LogStore, so a failed mirror write is
 * ignored and never fails the job.
 */
export class JobLogMirror {
  private chain: Promise<unknown> = Promise.resolve();

  private readonly keepLines: number;

  constructor(
    private readonly job: Job,
    /** Applied to each line first (e.g. scrubbing the job's secret values). */
    private readonly filter: (line: string) => string = (l) => l,
  ) {
    this.keepLines = job.opts.keepLogs ?? 0;
  }

  write(text: string): void {
    if (this.keepLines <= 0 || !text) return;
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    // Rows older than the last keepLines would be trimmed at once; do not send them at all.
    const rows = lines
      .slice(-this.keepLines)
      .map((l) => this.filter(l.length > MAX_ROW_CHARS ? `${l.slice(0, MAX_ROW_CHARS)}…` : l));
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
