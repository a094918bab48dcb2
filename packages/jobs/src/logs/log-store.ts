import type { Redis } from 'ioredis';

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
 * backlog, `XREAD BLOCK` the live tail, and entry ids let a reader resume exactly where it left.
 * The last entry of a finished job is an end marker.
 */
export class LogStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(jobId: string): string {
    return `${this.prefix}:logs:${jobId}`;
  }

  async append(jobId: string, text: string): Promise<void> {
    if (text) await this.redis.xadd(this.key(jobId), '*', 't', text);
  }

  async end(jobId: string): Promise<void> {
    await this.redis.xadd(this.key(jobId), '*', 'end', '1');
  }

  async remove(jobId: string): Promise<void> {
    await this.redis.del(this.key(jobId));
  }

  /** Sets the log to expire, e.g. with the job's retention. */
  async expire(jobId: string, seconds: number): Promise<void> {
    await this.redis.expire(this.key(jobId), seconds);
  }

  /** All entries after `afterId` (exclusive; `0` for everything). */
  async readFrom(jobId: string, afterId = '0', redis: Redis = this.redis): Promise<LogRead> {
    const start = afterId === '0' ? '-' : `(${afterId}`;
    const rows = await redis.xrange(this.key(jobId), start, '+');
    return toRead(rows, afterId);
  }

  /** All entries from `fromId` on, that entry included. */
  async readAt(jobId: string, fromId: string, redis: Redis = this.redis): Promise<LogRead> {
    return toRead(await redis.xrange(this.key(jobId), fromId, '+'), fromId);
  }

  /** Waits up to `blockMs` for entries after `afterId`, on a connection of the caller's own. */
  async waitFrom(jobId: string, afterId: string, blockMs: number, redis: Redis): Promise<LogRead> {
    const res = (await redis.xread('BLOCK', blockMs, 'STREAMS', this.key(jobId), afterId)) as
      [string, [string, string[]][]][] | null;
    return toRead(res?.[0]?.[1] ?? [], afterId);
  }

  async text(jobId: string): Promise<string> {
    return (await this.readFrom(jobId)).entries.map((e) => e.text).join('');
  }

  async lineCount(jobId: string): Promise<number> {
    let n = 0;
    for (const e of (await this.readFrom(jobId)).entries)
      for (const ch of e.text) if (ch === '\n') n++;
    return n;
  }
}

function toRead(rows: [string, string[]][], afterId: string): LogRead {
  const entries: LogEntry[] = [];
  let ended = false;
  let lastId = afterId;
  for (const [id, fields] of rows) {
    lastId = id;
    const f: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
    if (f.end) ended = true;
    else if (f.t !== undefined) entries.push({ id, text: f.t });
  }
  return { entries, ended, lastId };
}
