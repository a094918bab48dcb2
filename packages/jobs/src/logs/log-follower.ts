import type { Redis } from 'ioredis';
import { compareEntryIds, toRead, type LogRead, type LogStore } from './log-store';

type Listener = (read: LogRead) => void;

interface Follow {
  jobId: string;
  /** The last entry this follower has been given. */
  lastId: string;
  listener: Listener;
}

/** Entries one read takes per stream: bounds the memory of one round. */
const READ_COUNT = 200;

/**
 * The live tail of every log this process streams, on ONE Redis connection: a loop of
 * `XREAD BLOCK` over all the streams being followed, whose entries are handed to each follower
 * of that stream. However many clients watch, the process holds one blocked connection, so a
 * crowd of log streams cannot use up Redis' connections (shared with the workers). A new
 * follower interrupts the blocked read (CLIENT UNBLOCK) so it is served at once.
 */
export class LogFollower {
  private readonly follows = new Set<Follow>();
  private readerId: number | null = null;
  private blocked = false;
  /** A follower arrived since the current read was put together. */
  private changed = false;
  private closed = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly store: LogStore,
    /** A connection of the follower's own: it spends its life blocked in XREAD. */
    private readonly reader: Redis,
    /** Another connection, for CLIENT UNBLOCK. */
    private readonly control: Redis,
    private readonly blockMs = 2000,
  ) {}

  get size(): number {
    return this.follows.size;
  }

  /**
   * Hands `listener` every entry of the job's log after `afterId` as it arrives (the caller
   * has read the backlog up to there). Returns the way to stop.
   */
  follow(jobId: string, afterId: string, listener: Listener): () => void {
    const f: Follow = { jobId, lastId: afterId === '0' ? '0-0' : afterId, listener };
    this.follows.add(f);
    this.changed = true;
    this.loop ??= this.run();
    this.interrupt();
    return () => {
      this.follows.delete(f);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.follows.clear();
    this.interrupt();
    await this.loop;
  }

  private interrupt(): void {
    if (this.wake) {
      this.wake();
      this.wake = null;
    } else if (this.blocked && this.readerId !== null) {
      void this.control.client('UNBLOCK', this.readerId).catch(() => undefined);
    }
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      if (this.follows.size === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      this.changed = false;
      // Per stream, read from the furthest-behind follower; the others skip what they have.
      const from = new Map<string, string>();
      for (const f of this.follows) {
        const had = from.get(f.jobId);
        if (!had || compareEntryIds(f.lastId, had) < 0) from.set(f.jobId, f.lastId);
      }
      const ids = [...from.keys()];
      let rows: [string, [string, string[]][]][] | null;
      try {
        this.readerId ??= await this.reader.client('ID');
        if (this.changed) continue;
        this.blocked = true;
        rows = await this.reader.xread(
          'COUNT',
          READ_COUNT,
          'BLOCK',
          this.blockMs,
          'STREAMS',
          ...ids.map((id) => this.store.key(id)),
          ...ids.map((id) => from.get(id)!),
        );
      } catch {
        // Redis away: the connection reconnects by itself; try again shortly.
        this.readerId = null;
        await new Promise((r) => setTimeout(r, 500));
        continue;
      } finally {
        this.blocked = false;
      }
      for (const [key, entries] of rows ?? []) {
        const jobId = key.slice(this.store.logPrefix.length);
        for (const f of [...this.follows]) {
          if (f.jobId !== jobId) continue;
          const mine = entries.filter(([id]) => compareEntryIds(id, f.lastId) > 0);
          if (!mine.length) continue;
          const read = toRead(mine, f.lastId);
          f.lastId = read.lastId;
          f.listener(read);
        }
      }
    }
  }
}
