import fs from 'node:fs';
import path from 'node:path';
import type { Queue } from 'bullmq';
import type { Config } from '@job-runner/config';
import type { Logger } from '@job-runner/logger';
import type { SandboxInventory } from '@job-runner/sandbox';
import type { FileStore } from '../files/file-store';
import type { JobFiles } from '../files/job-files';
import type { LogStore } from '../logs/log-store';
import type { JobData } from '../queue/job-data';
import type { RedisClient } from '../queue/redis-client';
import { Janitor } from '../retention/janitor';
import { OrphanReaper } from './orphan-reaper';
import { PeriodicTask } from './periodic-task';
import { WorkerRegistry, type WorkerStatus } from './worker-registry';

export interface WorkerUpkeepDeps {
  config: Config;
  workerId: string;
  redis: RedisClient;
  queue: Queue<JobData>;
  files: FileStore;
  /** This worker's own disk (working copies; staging too when the API shares it). */
  local: JobFiles;
  logs: LogStore;
  /** The engine's sandboxes; absent for the local (unsandboxed) runner. */
  inventory?: SandboxInventory;
  running: () => string[];
  /** Ids of sandboxes in the worker's pool (not leftovers). */
  pooled?: () => Set<string>;
  /** What the worker says of itself with each heartbeat. */
  status?: () => WorkerStatus;
  logger: Logger;
}

/**
 * What a worker does beside running jobs: beats its heartbeat, reaps sandboxes of dead workers
 * (at start and periodically), and sweeps away logs and files of jobs retention removed.
 */
export class WorkerUpkeep {
  readonly registry: WorkerRegistry;
  readonly janitor: Janitor;
  readonly reaper: OrphanReaper | null;
  private readonly tasks: PeriodicTask[] = [];

  constructor(private readonly deps: WorkerUpkeepDeps) {
    const { config, logger } = deps;
    this.registry = new WorkerRegistry(deps.redis, config.queueName);
    this.janitor = new Janitor({
      queue: deps.queue,
      redis: deps.redis,
      files: deps.files,
      local: deps.local,
      logs: deps.logs,
      retention: config.retention,
      logger,
    });
    this.reaper = deps.inventory
      ? new OrphanReaper({
          inventory: deps.inventory,
          registry: this.registry,
          selfId: deps.workerId,
          running: deps.running,
          pooled: deps.pooled,
          logger,
        })
      : null;
    const ttl = config.lifecycle.heartbeatSec;
    // Three beats per TTL, so one late beat on a busy machine does not make a live worker dead.
    this.tasks.push(
      new PeriodicTask(
        'heartbeat',
        Math.max(200, (ttl * 1000) / 3),
        () => this.registry.beat(deps.workerId, ttl, deps.status?.()),
        logger,
      ),
    );
    if (this.reaper) {
      const reaper = this.reaper;
      this.tasks.push(
        new PeriodicTask(
          'reaper',
          config.lifecycle.reaperIntervalSec * 1000,
          () => reaper.sweep(),
          logger,
        ),
      );
    }
    this.tasks.push(
      new PeriodicTask(
        'janitor',
        config.retention.janitorIntervalSec * 1000,
        async () => {
          await this.janitor.sweep();
          await this.removeDeadScratch();
        },
        logger,
      ),
    );
  }

  /** Registers the worker (before it takes any job) and starts the periodic tasks. */
  async start(): Promise<void> {
    await this.registry.beat(this.deps.workerId, this.deps.config.lifecycle.heartbeatSec);
    // The first reap and sweep finish before the worker takes a job.
    await Promise.all(this.tasks.map((t) => t.start()));
  }

  /**
   * Working copies that workers which died on this disk left behind (their jobs are reruns
   * elsewhere by now): a worker's copies are under its id, and go once it is known dead.
   */
  async removeDeadScratch(): Promise<number> {
    const { scratchDir } = this.deps.local;
    let removed = 0;
    for (const owner of await fs.promises.readdir(scratchDir).catch(() => [] as string[])) {
      if (owner === this.deps.workerId || !(await this.registry.isDead(owner))) continue;
      await fs.promises.rm(path.join(scratchDir, owner), { recursive: true, force: true });
      removed++;
    }
    if (removed > 0)
      this.deps.logger.info('removed working copies of dead workers', { workers: removed });
    return removed;
  }

  /** Removes, now, every sandbox of this worker that no running job and no pool holds. */
  async reapOwnLeftovers(): Promise<number> {
    return (await this.reaper?.sweep(0)) ?? 0;
  }

  /** Stops the tasks and marks the worker dead, so anything it left is reaped at once. */
  async stop(): Promise<void> {
    await Promise.all(this.tasks.map((t) => t.stop()));
    await this.registry.retire(this.deps.workerId).catch(() => undefined);
  }
}
