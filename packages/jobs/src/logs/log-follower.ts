import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../queue/redis-client';
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
/** The wake-up stream of a process that died without removing it goes away after this. */
const WAKE_TTL_SEC = 3600;

/**
 * The live tail of every log this process streams, on ONE Redis connection: a loop of
 * `XREAD BLOCK` over all the streams being followed, whose entries are handed to each follower
 * of that stream. However many clients watch, the process holds one blocked connection, so a
 * crowd of log streams cannot use up Redis' connections (shared with the workers).
 *
 * A new follower must not wait for the blocked read to time out, so the read also covers a
 * wake-up stream of this follower's own, and an entry added there ends it at once. Unlike
 * CLIENT UNBLOCK, which must reach the very server connection that blocks, this works on a Redis
 * Cluster too: the wake-up stream is in the logs' slot, so it is on the node the read waits on.
 */
export class LogFollower {
  private readonly follows = new Set<Follow>();
  private readonly wakeKey: string;
  /** The last wake-up the read has seen; any later one ends it. */
  private wakeId = '0-0';
  private closed = false;
  /** Set while there is nothing to follow: the loop waits here instead of reading. */
  private idle: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly store: LogStore,
    /** A connection of the follower's own: it spends its life blocked in XREAD. */
    private readonly reader: RedisClient,
    /** Another connection, to add wake-ups with. */
    private readonly control: RedisClient,
    private readonly blockMs = 2000,
  ) {
    this.wakeKey = store.wakeKey(randomUUID());
  }

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
    if (this.loop) void this.interrupt();
    // A loop started now reads this follower's stream in its first read.
    else this.loop = this.run();
    return () => {
      this.follows.delete(f);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.follows.clear();
    if (!this.loop) return;
    await this.interrupt();
    await this.loop;
    await this.control.del(this.wakeKey).catch(() => undefined);
  }

  /** Makes the loop read again now, with the follows as they are. */
  private async interrupt(): Promise<void> {
    if (this.idle) {
      this.idle();
      this.idle = null;
      return;
    }
    // Whether the read is blocked already or is about to be, a wake-up after `wakeId` ends it.
    await this.control
      .multi()
      .xadd(this.wakeKey, 'MAXLEN', '1', '*', 'w', '1')
      .expire(this.wakeKey, WAKE_TTL_SEC)
      .exec()
      .catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      if (this.follows.size === 0) {
        await new Promise<void>((resolve) => (this.idle = resolve));
        continue;
      }
      // Per stream, read from the furthest-behind follower; the others skip what they have.
      const from = new Map<string, string>();
      for (const f of this.follows) {
        const had = from.get(f.jobId);
        if (!had || compareEntryIds(f.lastId, had) < 0) from.set(f.jobId, f.lastId);
      }
      const ids = [...from.keys()];
      let rows: [string, [string, string[]][]][] | null;
      try {
        rows = await this.reader.xread(
          'COUNT',
          READ_COUNT,
          'BLOCK',
          this.blockMs,
          'STREAMS',
          ...ids.map((id) => this.store.key(id)),
          this.wakeKey,
          ...ids.map((id) => from.get(id)!),
          this.wakeId,
        );
      } catch {
        // Redis away: the connection reconnects by itself; try again shortly.
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      for (const [key, entries] of rows ?? []) {
        if (key === this.wakeKey) {
          this.wakeId = entries.at(-1)?.[0] ?? this.wakeId;
          continue;
        }
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
