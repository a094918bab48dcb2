import fs from 'node:fs';
import path from 'node:path';

/** A staging area older than this belongs to an upload that will never finish. */
export const STALE_STAGING_MS = 60 * 60 * 1000;
/** A working copy older than this belongs to a run whose worker died (no run lasts a day). */
export const STALE_SCRATCH_MS = 24 * 60 * 60 * 1000;

/** Removes the entries of `dir` last changed more than `ageMs` ago; answers how many. */
export async function removeStale(dir: string, ageMs: number): Promise<number> {
  let removed = 0;
  for (const name of await fs.promises.readdir(dir).catch(() => [] as string[])) {
    const full = path.join(dir, name);
    const st = await fs.promises.lstat(full).catch(() => null);
    if (st && Date.now() - st.mtimeMs > ageMs) {
      await fs.promises.rm(full, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
