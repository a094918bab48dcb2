import type { Queue } from 'bullmq';
import type { Logger } from '@job-runner/logger';
import type { FileStore } from '../files/file-store';
import type { JobFiles } from '../files/job-files';
import { removeStale, STALE_SCRATCH_MS, STALE_STAGING_MS } from '../files/remove-stale';
import type { LogStore } from '../logs/log-store';
import type { RetentionOptions } from '../queue/create-queue';
import type { JobData } from '../queue/job-data';
import type { RedisClient } from '../queue/redis-client';
import { scanKeys } from '../queue/scan-keys';

const CLEAN_BATCH = 1000;

export interface JanitorDeps {
  queue: Queue<JobData>;
  redis: RedisClient;
  /** Where jobs' files are kept. */
  files: FileStore;
  /** This process's own disk: staging areas and working copies left by crashed processes. */
  local: JobFiles;
  logs: LogStore;
  retention: RetentionOptions;
  logger: Logger;
}

export interface SweepResult {
  jobs: number;
  logs: number;
  dirs: number;
  staging: number;
}

/**
 * Keeps Redis and disk bounded. BullMQ removes finished jobs by age and count as other jobs end;
 * the janitor also applies the age when nothing ends, and removes what BullMQ does not know of:
 * a job's log stream and its files on disk once the job itself is gone. Something is removed
 * only when it is orphaned on two passes in a row, so a job whose files are committed a moment
 * before it is queued is never mistaken for a removed one.
 */
export class Janitor {
  private suspects = new Set<string>();

  constructor(private readonly deps: JanitorDeps) {}

  async sweep(): Promise<SweepResult> {
    const { queue, retention } = this.deps;
    const result: SweepResult = { jobs: 0, logs: 0, dirs: 0, staging: 0 };
    for (const [type, ageSec] of [
      ['completed', retention.completedAgeSec],
      ['failed', retention.failedAgeSec],
    ] as const) {
      result.jobs += (await queue.clean(ageSec * 1000, CLEAN_BATCH, type)).length;
    }

    const candidates = new Map<string, { log: boolean; dir: boolean }>();
    for (const id of await this.logIds())
      candidates.set(id, { log: true, dir: candidates.get(id)?.dir ?? false });
    for (const id of await this.dirIds())
      candidates.set(id, { log: candidates.get(id)?.log ?? false, dir: true });

    const next = new Set<string>();
    for (const [id, where] of candidates) {
      if ((await queue.getJobState(id)) !== 'unknown') continue;
      const key = `${where.log ? 'L' : ''}${where.dir ? 'D' : ''}:${id}`;
      if (!this.suspects.has(key)) {
        next.add(key);
        continue;
      }
      if (where.log) {
        await this.deps.logs.remove(id);
        result.logs++;
      }
      if (where.dir) {
        await this.deps.files.remove(id);
        result.dirs++;
      }
    }
    this.suspects = next;
    result.staging = await this.removeStaleStaging();
    if (result.jobs + result.logs + result.dirs + result.staging > 0)
      this.deps.logger.info('janitor swept', { ...result });
    return result;
  }

  private async logIds(): Promise<string[]> {
    const prefix = this.deps.logs.logPrefix;
    return (await scanKeys(this.deps.redis, `${prefix}*`)).map((k) => k.slice(prefix.length));
  }

  private async dirIds(): Promise<string[]> {
    return this.deps.files.jobIds();
  }

  private async removeStaleStaging(): Promise<number> {
    return (
      (await removeStale(this.deps.local.stagingDir, STALE_STAGING_MS)) +
      (await removeStale(this.deps.local.scratchDir, STALE_SCRATCH_MS))
    );
  }
}
