import type { Config } from '@job-runner/config';
import { runtimeImages } from '@job-runner/bootstrap';
import type { RedisClient, WorkerRegistry } from '@job-runner/jobs';
import type { SandboxRunner } from '@job-runner/sandbox';
import { withTimeout } from './with-timeout';
import { workerWarning } from './worker-census';

export interface CheckResult {
  ok: boolean;
  /** Why it failed, or why it was skipped. */
  detail?: string;
  skipped?: boolean;
  /** Workers alive in this queue (the `workers` check only). */
  alive?: number;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

const CHECK_TIMEOUT_MS = 2000;

/**
 * Whether this process can do its work: Redis answers; and, when it runs a worker, the sandbox
 * checks the worker itself passed at start (engine, every runtime image, the OCI runtime) still
 * pass. An API without an inline worker never starts a sandbox, so it does not need an engine
 * (the worker processes check their own). Live workers are reported, not required: with
 * none, the API still takes jobs (they wait in the queue), but says so.
 */
export async function checkReadiness(
  config: Config,
  redis: RedisClient,
  runner: SandboxRunner | null,
  workers: WorkerRegistry,
): Promise<Readiness> {
  const checks: Record<string, CheckResult> = {};
  const redisCheck = withTimeout(redis.ping(), CHECK_TIMEOUT_MS, 'Redis').then(
    () => ({ ok: true }),
    (err: Error) => ({ ok: false, detail: err.message }),
  );
  if (runner) {
    const sandbox = await withTimeout(
      runner.check(runtimeImages(config)),
      CHECK_TIMEOUT_MS,
      'the sandbox check',
    ).catch((err: Error) => [{ name: 'docker', ok: false, detail: err.message }]);
    for (const c of sandbox) checks[c.name] = c.ok ? { ok: true } : { ok: false, detail: c.detail };
  } else {
    const detail = config.inlineWorker
      ? 'no sandbox runs here'
      : 'INLINE_WORKER=0: no sandbox runs here';
    checks.docker = { ok: true, skipped: true, detail };
    checks.image = { ok: true, skipped: true, detail };
  }
  checks.redis = await redisCheck;
  const census = await withTimeout(
    workerWarning(workers),
    CHECK_TIMEOUT_MS,
    'the worker census',
  ).catch(() => ({ alive: 0, warning: 'the worker census did not answer' }));
  checks.workers = {
    ok: true,
    alive: census.alive,
    ...(census.warning ? { detail: census.warning } : {}),
  };
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}
