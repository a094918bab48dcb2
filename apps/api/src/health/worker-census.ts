import type { WorkerRegistry } from '@job-runner/jobs';

/** A queue with no worker alive for this long is worth a word to whoever submits to it. */
const NO_WORKER_GRACE_MS = 30_000;

/**
 * Whether workers are taking jobs from this queue: what /readyz reports and what a submission
 * is told when none has been alive for a while (its job waits in the queue meanwhile).
 */
export async function workerWarning(registry: WorkerRegistry): Promise<{
  alive: number;
  warning: string | null;
}> {
  // A census that cannot be taken (Redis slow or gone) says nothing rather than fail the answer.
  const census = await registry.census().catch(() => null);
  if (!census) return { alive: 0, warning: null };
  const { alive, lastBeatMs } = census;
  if (alive > 0) return { alive, warning: null };
  const since = lastBeatMs === null ? null : Date.now() - lastBeatMs;
  if (since !== null && since < NO_WORKER_GRACE_MS) return { alive, warning: null };
  return {
    alive,
    warning:
      since === null
        ? 'no worker has ever taken jobs from this queue: jobs wait until one starts (npm run worker)'
        : `no worker alive for ${Math.round(since / 1000)} s: jobs wait until one starts`,
  };
}
