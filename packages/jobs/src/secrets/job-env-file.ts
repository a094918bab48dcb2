import fs from 'node:fs';
import path from 'node:path';
import { openSealedEnv, sealEnv } from './sealed-env';

/** Name of the file, in a job's directory beside code/ and input/, that holds spec.env values. */
export const ENV_FILE = 'env.json';
/** The same, sealed with JOB_SECRETS_KEY (see sealed-env.ts). */
export const SEALED_ENV_FILE = 'env.sealed';

/**
 * Writes the spec's env values into the job's directory (owner-only), so they never reach Redis:
 * BullMQ keeps only their names. Called on the staging directory, which is then committed whole.
 * With a key the values are sealed first: the directory may go to an object store.
 */
export async function writeJobEnv(
  root: string,
  env: Record<string, string>,
  sealing: { key: Buffer; jobId: string } | null,
): Promise<void> {
  const [name, text] = sealing
    ? [SEALED_ENV_FILE, sealEnv(env, sealing.key, sealing.jobId)]
    : [ENV_FILE, JSON.stringify(env)];
  await fs.promises.writeFile(path.join(root, name), text, { mode: 0o600, flag: 'wx' });
}

/**
 * Reads the values written by writeJobEnv (sealed or not, whichever the API wrote); a missing or
 * broken file, or a sealed one this process has no key for, is a platform failure.
 */
export async function readJobEnv(
  root: string,
  opening: { key: Buffer | null; jobId: string },
): Promise<Record<string, string>> {
  const sealed = await fs.promises
    .readFile(path.join(root, SEALED_ENV_FILE), 'utf8')
    .catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
  if (sealed !== null) {
    if (!opening.key)
      throw new Error("the job's environment is sealed, and JOB_SECRETS_KEY is not set here");
    return openSealedEnv(sealed, opening.key, opening.jobId);
  }
  let raw: string;
  try {
    raw = await fs.promises.readFile(path.join(root, ENV_FILE), 'utf8');
  } catch (err) {
    throw new Error(
      `the job's environment file is unreadable (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const parsed = JSON.parse(raw) as unknown;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error("the job's environment file is not a JSON object");
  return parsed as Record<string, string>;
}
