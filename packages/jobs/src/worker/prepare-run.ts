import fs from 'node:fs';
import path from 'node:path';
import type { Job } from 'bullmq';
import type { JobDirs, JobFiles } from '../files/job-files';
import type { JobData } from '../queue/job-data';
import { readJobEnv } from '../secrets/job-env-file';
import type { JobSpec } from '../spec/job-spec';

/** A job ready to run: its spec, image, directories and environment. */
export interface PreparedRun {
  kind: 'ready';
  spec: JobSpec;
  image: string;
  dirs: JobDirs;
  env: Record<string, string>;
}

/** Why a job ends before any sandbox: canceled while queued, or its own mistake. */
export type NotRunnable = { kind: 'canceled' } | { kind: 'refused'; error: string; note: string };

export interface PrepareDeps {
  files: JobFiles;
  /** Runtime name -> image. */
  runtimes: Record<string, string>;
  /** True when the job's data says it was canceled while queued (read fresh from Redis). */
  isCanceled: (job: Job<JobData>) => Promise<boolean>;
}

/**
 * Step 1 of a run: everything that can be decided before a sandbox exists. The entry file and
 * the runtime are checked here, the secret environment is read from the job's directory, and the
 * output directory starts empty (a rerun must not see the last run's artifacts).
 */
export async function prepareRun(
  job: Job<JobData>,
  deps: PrepareDeps,
): Promise<PreparedRun | NotRunnable> {
  if (job.data.canceled || (await deps.isCanceled(job))) return { kind: 'canceled' };
  const { spec } = job.data;
  const dirs = deps.files.dirs(String(job.id));
  const entry = await fs.promises.lstat(path.join(dirs.code, spec.entry)).catch(() => null);
  if (!entry?.isFile())
    return {
      kind: 'refused',
      error: 'missing entry file',
      note: `missing entry file: ${spec.entry} is not among the code files`,
    };
  const image = deps.runtimes[spec.runtime];
  if (!image)
    return {
      kind: 'refused',
      error: `unknown runtime ${spec.runtime}`,
      note: `unknown runtime ${spec.runtime}: this worker has ${Object.keys(deps.runtimes).join(', ')}`,
    };
  const env = job.data.envOnDisk ? await readJobEnv(dirs.root) : spec.env;
  await deps.files.resetOutput(String(job.id));
  return { kind: 'ready', spec, image, dirs, env };
}
