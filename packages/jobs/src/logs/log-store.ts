import type { RedisClient } from '../queue/redis-client';

/** One stored piece of output: whole lines, `\n`-terminated. */
export interface LogEntry {
  id: string;
  text: string;
}

/** A read from the log: entries after a position, and whether the end marker was reached. */
export interface LogRead {
  entries: LogEntry[];
  ended: boolean;
  lastId: string;
}

/**
 * Per-job output in a Redis Stream: `XADD` appends batches of lines, `XRANGE` gives the
 * backlog, `XREAD BLOCK` the live tail (see LogFollower), and entry ids let a reader resume
 * exactly where it left. The last entry of a finished job is an end marker. The number of lines
 * is counted as they are written, so asking for it never reads the log.
 */
export class LogStore {
  constructor(
    readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  /** The stream's key; everything after `logPrefix` is the job id (the janitor relies on it). */
  key(jobId: string): string {
    return `${this.logPrefix}${jobId}`;
  }

  get logPrefix(): string {
    return `${this.prefix}:logs:`;
  }

  private linesKey(jobId: string): string {
    return `${this.prefix}:loglines:${jobId}`;
  }

  /**
   * A stream beside the logs (same slot on a cluster, outside `logPrefix`) whose entries only
   * end a LogFollower's blocked read: see LogFollower.
   */
  wakeKey(followerId: string): string {
    return `${this.prefix}:logwake:${followerId}`;
  }

  async append(jobId: string, text: string): Promise<void> {
    if (!text) return;
    let lines = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
    await this.redis
      .multi()
      .xadd(this.key(jobId), '*', 't', text)
      .incrby(this.linesKey(jobId), lines)
      .exec();
  }

  async end(jobId: string): Promise<void> {
    await this.redis.xadd(this.key(jobId), '*', 'end', '1');
  }

  async remove(jobId: string): Promise<void> {
    await this.redis.del(this.key(jobId), this.linesKey(jobId));
  }

  /** All entries after `afterId` (exclusive; `0` for everything). */
  async readFrom(jobId: string, afterId = '0'): Promise<LogRead> {
    const start = afterId === '0' ? '-' : `(${afterId}`;
    return toRead(await this.redis.xrange(this.key(jobId), start, '+'), afterId);
  }

  /** All entries from `fromId` on, that entry included. */
  async readAt(jobId: string, fromId: string): Promise<LogRead> {
    return toRead(await this.redis.xrange(this.key(jobId), fromId, '+'), fromId);
  }

  async text(jobId: string): Promise<string> {
    return (await this.readFrom(jobId)).entries.map((e) => e.text).join('');
  }

  async lineCount(jobId: string): Promise<number> {
    return Number((await this.redis.get(this.linesKey(jobId))) ?? 0);
  }
}

/** Turns XRANGE/XREAD rows into entries, noting the end marker. */
export function toRead(rows: [string, string[]][], afterId: string): LogRead {
  const entries: LogEntry[] = [];
  let ended = false;
  let lastId = afterId;
  for (const [id, fields] of rows) {
    lastId = id;
    const f: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1]!;
    if (f.end) ended = true;
    else if (f.t !== undefined) entries.push({ id, text: f.t });
  }
  return { entries, ended, lastId };
}

/** Orders two stream entry ids (`<ms>-<seq>`); `0` sorts first. */
export function compareEntryIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const ms = BigInt(am) - BigInt(bm);
  if (ms !== 0n) return ms < 0n ? -1 : 1;
  const seq = BigInt(as) - BigInt(bs);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
}
