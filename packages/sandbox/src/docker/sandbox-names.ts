import { randomBytes } from 'node:crypto';

/**
 * How a sandbox container says what it is. Labels are fixed when a container is created, and a
 * pooled sandbox is made before its job exists; so the job a sandbox runs is in its name, which
 * the engine lets us change when a job takes it.
 */

/** On every sandbox this platform makes; its value is the sandbox's role. */
export const SANDBOX_LABEL = 'job-runner.sandbox';
export type SandboxRole = 'job' | 'pool' | 'probe';

const JOB_PREFIX = 'jr-job-';
const rand = () => randomBytes(4).toString('hex');

/** The name of a sandbox running `jobId` (unique: a rerun's sandbox gets another suffix). */
export const jobSandboxName = (jobId: string): string => `${JOB_PREFIX}${jobId}--${rand()}`;

/** The name of a sandbox waiting in a pool. */
export const poolSandboxName = (): string => `jr-pool-${rand()}${rand()}`;

/** The name of a short-lived sandbox that reports what a runtime image holds. */
export const probeSandboxName = (): string => `jr-probe-${rand()}${rand()}`;

/** The engine's name filter that finds every sandbox of a job (a substring match). */
export const jobNameFilter = (jobId: string): string => `${JOB_PREFIX}${jobId}--`;

/** The job a sandbox runs, from the names the engine lists (`/jr-job-<id>--<suffix>`). */
export function jobIdOfSandbox(names: string[] | undefined): string | null {
  for (const raw of names ?? []) {
    const name = raw.replace(/^\//, '');
    if (!name.startsWith(JOB_PREFIX)) continue;
    const end = name.lastIndexOf('--');
    if (end > JOB_PREFIX.length) return name.slice(JOB_PREFIX.length, end);
  }
  return null;
}
