import { keyBase } from '../queue/queue-names';
import type { RedisClient } from '../queue/redis-client';

/** What a worker says of itself with each heartbeat. */
export interface WorkerStatus {
  /** Its sandbox pool: ready now, and how jobs found it since the worker started. */
  pool?: { ready: number; hits: number; misses: number } | null;
  /** False while its Docker engine does not answer (it takes no job meanwhile). */
  engine?: boolean;
}

/** A registry entry no one has beaten for this long is forgotten (its sandboxes are long gone). */
const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Which workers of this queue exist and which are alive, in the queue's own Redis: a hash of
 * every worker that ever registered (id -> last beat, ms) and one key per worker that expires
 * unless the worker keeps beating. A worker registered here whose key has expired is dead.
 * Workers of other Redis instances or queues are simply unknown here, so a reaper never takes
 * them for dead: several platforms and test runs may share one Docker engine.
 */
export class WorkerRegistry {
  private readonly hashKey: string;

  constructor(
    private readonly redis: RedisClient,
    queueName: string,
  ) {
    this.hashKey = `${keyBase(redis, queueName)}:jr:workers`;
  }

  private aliveKey(workerId: string): string {
    return `${this.hashKey}:${workerId}`;
  }

  /**
   * Registers or refreshes a worker; it counts as alive for `ttlSec`. `status` (what it is
   * doing: its pool, whether its engine answers) is kept with its heartbeat for the API to show.
   */
  async beat(workerId: string, ttlSec: number, status: WorkerStatus = {}): Promise<void> {
    await this.redis
      .multi()
      .hset(this.hashKey, workerId, String(Date.now()))
      .set(this.aliveKey(workerId), JSON.stringify(status), 'EX', ttlSec)
      .exec();
  }

  /**
   * How many workers are alive, and when the last heartbeat of any worker was (ms; null when
   * none ever beat in this queue): "no worker for a while" is visible to clients.
   */
  async census(): Promise<{ alive: number; lastBeatMs: number | null }> {
    const beats = Object.values(await this.redis.hgetall(this.hashKey)).map(Number);
    return {
      alive: (await this.alive()).length,
      lastBeatMs: beats.length ? Math.max(...beats) : null,
    };
  }

  /** Every worker alive now, with the status of its last heartbeat. */
  async alive(): Promise<{ id: string; status: WorkerStatus }[]> {
    const ids = await this.redis.hkeys(this.hashKey);
    if (!ids.length) return [];
    const beats = await this.redis.mget(ids.map((id) => this.aliveKey(id)));
    const out: { id: string; status: WorkerStatus }[] = [];
    ids.forEach((id, i) => {
      const raw = beats[i];
      if (raw === null || raw === undefined) return;
      let status: WorkerStatus = {};
      try {
        status = JSON.parse(raw) as WorkerStatus;
      } catch {
        /* a worker of an older version beat '1' */
      }
      out.push({ id, status });
    });
    return out;
  }

  /** A worker that stops on purpose: dead at once, so leftovers are reaped without waiting. */
  async retire(workerId: string): Promise<void> {
    await this.redis.del(this.aliveKey(workerId));
  }

  /** True only for a worker registered in this queue whose heartbeat has expired. */
  async isDead(workerId: string): Promise<boolean> {
    const [registered, alive] = await Promise.all([
      this.redis.hexists(this.hashKey, workerId),
      this.redis.exists(this.aliveKey(workerId)),
    ]);
    return registered === 1 && alive === 0;
  }

  /** Drops dead workers not heard of for a day, so the registry stays small. */
  async forgetLongDead(): Promise<number> {
    const all = await this.redis.hgetall(this.hashKey);
    let forgotten = 0;
    for (const [id, last] of Object.entries(all)) {
      if (Date.now() - Number(last) > FORGET_AFTER_MS && (await this.isDead(id))) {
        await this.redis.hdel(this.hashKey, id);
        forgotten++;
      }
    }
    return forgotten;
  }
}
