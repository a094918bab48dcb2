import fs from 'node:fs';
import path from 'node:path';

/** Name of the file, in a job's directory beside code/ and input/, that holds spec.env values. */
export const ENV_FILE = 'env.json';

/**
 * Writes the spec's env values into the job's directory (owner-only), so they never reach Redis:
 * BullMQ keeps only their names. Called on the staging directory, which is then renamed whole.
 */
export async function writeJobEnv(root: string, env: Record<string, string>): Promise<void> {
  await fs.promises.writeFile(path.join(root, ENV_FILE), JSON.stringify(env), {
    mode: 0o600,
    flag: 'wx',
  });
}

/** Reads the values written by writeJobEnv; a missing or broken file is a platform failure. */
export async function readJobEnv(root: string): Promise<Record<string, string>> {
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
