import fs from 'node:fs';
import path from 'node:path';
import type { Job } from 'bullmq';
import type { FileStore } from '../files/file-store';
import type { JobDirs } from '../files/job-files';
import type { JobData } from '../queue/job-data';
import { readJobEnv } from '../secrets/job-env-file';
import type { JobSpec } from '../spec/job-spec';

/** A job ready to run: its spec, image, working copy of its files and environment. */
export interface PreparedRun {
  kind: 'ready';
  spec: JobSpec;
  image: string;
  /** The working copy (checked out of the file store): released or checked in by the caller. */
  dirs: JobDirs;
  env: Record<string, string>;
}

/** Why a job ends before any sandbox: canceled while queued, or its own mistake. */
export type NotRunnable = { kind: 'canceled' } | { kind: 'refused'; error: string; note: string };

export interface PrepareDeps {
  files: FileStore;
  /** Opens sealed environments (JOB_SECRETS_KEY); null when this process has none. */
  secretsKey: Buffer | null;
  /** Runtime name -> image. */
  runtimes: Record<string, string>;
  /** True when the job's data says it was canceled while queued (read fresh from Redis). */
  isCanceled: (job: Job<JobData>) => Promise<boolean>;
}

/**
 * Step 1 of a run: everything that can be decided before a sandbox exists. The runtime is
 * checked, a working copy of the job's files made (its output empty: a rerun must not see the
 * last run's artifacts), the entry file checked in it, and the secret environment read.
 */
export async function prepareRun(
  job: Job<JobData>,
  deps: PrepareDeps,
): Promise<PreparedRun | NotRunnable> {
  if (job.data.canceled || (await deps.isCanceled(job))) return { kind: 'canceled' };
  const { spec } = job.data;
  const jobId = String(job.id);
  const image = deps.runtimes[spec.runtime];
  if (!image)
    return {
      kind: 'refused',
      error: `unknown runtime ${spec.runtime}`,
      note: `unknown runtime ${spec.runtime}: this worker has ${Object.keys(deps.runtimes).join(', ')}`,
    };
  const dirs = await deps.files.checkout(jobId);
  try {
    const entry = await fs.promises.lstat(path.join(dirs.code, spec.entry)).catch(() => null);
    if (!entry?.isFile()) {
      await deps.files.release(dirs);
      return {
        kind: 'refused',
        error: 'missing entry file',
        note: `missing entry file: ${spec.entry} is not among the code files`,
      };
    }
    const env = job.data.envOnDisk
      ? await readJobEnv(dirs.root, { key: deps.secretsKey, jobId })
      : spec.env;
    return { kind: 'ready', spec, image, dirs, env };
  } catch (err) {
    await deps.files.release(dirs).catch(() => undefined);
    throw err;
  }
}
