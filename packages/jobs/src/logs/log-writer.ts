import type { LogStore } from './log-store';

export interface LogWriterOptions {
  /** Flush when this many bytes are pending. Default 32 KiB. */
  flushBytes?: number;
  /** Flush at most this long after the first pending byte. Default 100 ms. */
  flushMs?: number;
  /** Also called with every flushed batch (e.g. mirror into the BullMQ job log). */
  onFlush?: (text: string) => void;
}

/**
 * Batches captured text into stream entries: one XADD per batch rather than per line, in order,
 * with at most one write in flight.
 */
export class LogWriter {
  private pending = '';
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  constructor(
    private readonly store: LogStore,
    private readonly jobId: string,
    private readonly opts: LogWriterOptions = {},
  ) {}

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= (this.opts.flushBytes ?? 32 * 1024)) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.opts.flushMs ?? 100);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const text = this.pending;
    this.pending = '';
    if (text) {
      this.opts.onFlush?.(text);
      this.chain = this.chain
        .then(() => this.store.append(this.jobId, text))
        .catch((err: unknown) => {
          this.failure ??= err;
        });
    }
    return this.chain;
  }

  /** Flushes what is pending and waits for every write; rethrows the first write failure. */
  async close(): Promise<void> {
    await this.flush();
    if (this.failure) throw this.failure as Error;
  }
}
