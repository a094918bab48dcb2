import type { SandboxInventory } from '@job-runner/sandbox';
import type { Logger } from '@job-runner/logger';
import type { WorkerRegistry } from './worker-registry';

/** Label on every sandbox container naming the worker that owns it. */
export const WORKER_LABEL = 'job-runner.worker-id';

/** A sandbox of our own worker that no run claims is a leak only after this long. */
export const OWN_LEAK_AGE_MS = 60_000;

export interface OrphanReaperDeps {
  inventory: SandboxInventory;
  registry: WorkerRegistry;
  /** This worker's id, and the job ids it is running right now. */
  selfId: string;
  running: () => string[];
  /** Ids of this worker's sandboxes waiting in its pool: not leftovers, whatever their age. */
  pooled?: () => Set<string>;
  logger: Logger;
  /** How old a sandbox of this worker's own must be before it counts as a leak. */
  ownLeakAgeMs?: number;
}

/**
 * Removes sandboxes nobody will ever clean up: those of workers this queue's registry knows
 * and knows to be dead (SIGKILL, crash, lost machine), and leaks of this worker itself. A
 * container of a worker the registry does not know belongs to another platform or test run
 * on the same engine and is left alone.
 */
export class OrphanReaper {
  constructor(private readonly deps: OrphanReaperDeps) {}

  /**
   * One pass; answers how many containers it removed. `ownLeakAgeMs` overrides the age a
   * sandbox of this worker's own must reach before it is a leak (0 after the engine came back:
   * none of its own that no job holds is in use).
   */
  async sweep(ownLeakAgeMs = this.deps.ownLeakAgeMs ?? OWN_LEAK_AGE_MS): Promise<number> {
    const { inventory, registry, selfId, logger } = this.deps;
    const pooled = this.deps.pooled?.() ?? new Set<string>();
    const sandboxes = await inventory.listSandboxes(WORKER_LABEL);
    const running = new Set(this.deps.running());
    const verdicts = new Map<string, boolean>();
    let removed = 0;
    for (const box of sandboxes) {
      const owner = box.labels[WORKER_LABEL];
      const jobId = box.jobId;
      let orphan: boolean;
      let why: string;
      if (owner === selfId) {
        // Its own: a leak when no running job holds it and its pool does not either (a
        // sandbox just being made is in neither for a moment: the age covers that).
        orphan =
          (jobId === null ? !pooled.has(box.id) : !running.has(jobId)) &&
          Date.now() - box.createdMs >= ownLeakAgeMs;
        why = 'left behind by this worker';
      } else {
        if (!verdicts.has(owner)) verdicts.set(owner, await registry.isDead(owner));
        orphan = verdicts.get(owner)!;
        why = 'its worker is dead';
      }
      if (!orphan) continue;
      await inventory.removeSandbox(box.id);
      removed++;
      logger.warn('removed an orphaned sandbox', { jobId, owner, why, container: box.id });
    }
    await registry.forgetLongDead();
    return removed;
  }
}
