import type { SandboxInventory } from '@job-runner/sandbox';

/**
 * Removes every sandbox an earlier attempt of the job left on this engine, whichever worker
 * made it, and answers how many there were. A worker SIGKILLed mid-job leaves its sandbox
 * running the program until a reaper finds the worker dead (heartbeat plus reaper interval, a
 * minute or more), while the stalled check may hand the job to another worker well before that:
 * without this, a program with side effects would run twice at once. The job's id is in its
 * sandboxes' names (a pooled sandbox is renamed when a job takes it, before its program starts).
 * A removal the engine refuses is thrown: the rerun must not start beside its predecessor.
 */
export async function removeEarlierAttempts(
  inventory: SandboxInventory,
  jobId: string,
): Promise<number> {
  const earlier = await inventory.jobSandboxes(jobId);
  for (const id of earlier) await inventory.removeSandbox(id);
  return earlier.length;
}
