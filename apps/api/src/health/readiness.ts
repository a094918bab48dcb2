import type { Redis } from 'ioredis';
import type { Config } from '@job-runner/config';
import { dockerClient } from '@job-runner/sandbox';
import { withTimeout } from './with-timeout';

export interface CheckResult {
  ok: boolean;
  /** Why it failed, or why it was skipped. */
  detail?: string;
  skipped?: boolean;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

const CHECK_TIMEOUT_MS = 2000;

/**
 * Whether this process can do its work: Redis answers; and, when it runs a worker with Docker,
 * the engine answers and every runtime's image is there. An API without an inline worker never
 * starts a sandbox, so it does not need an engine (the worker processes check their own).
 */
export async function checkReadiness(config: Config, redis: Redis): Promise<Readiness> {
  const checks: Record<string, CheckResult> = {};
  const run = async (name: string, fn: () => Promise<void>) => {
    try {
      await withTimeout(fn(), CHECK_TIMEOUT_MS, name);
      checks[name] = { ok: true };
    } catch (err) {
      checks[name] = { ok: false, detail: (err as Error).message };
    }
  };
  const needsDocker = config.useDocker && config.inlineWorker;
  await Promise.all([
    run('redis', async () => {
      const pong = await redis.ping();
      if (pong !== 'PONG') throw new Error(`unexpected PING answer ${pong}`);
    }),
    needsDocker ? dockerChecks(config, checks, run) : Promise.resolve(),
  ]);
  if (!needsDocker) {
    const why = config.useDocker ? 'INLINE_WORKER=0: no sandbox runs here' : 'USE_DOCKER=0';
    checks.docker = { ok: true, skipped: true, detail: why };
    checks.image = { ok: true, skipped: true, detail: why };
  }
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}

async function dockerChecks(
  config: Config,
  checks: Record<string, CheckResult>,
  run: (name: string, fn: () => Promise<void>) => Promise<void>,
): Promise<void> {
  const docker = dockerClient(config.dockerHost || undefined);
  await run('docker', async () => {
    await docker.ping();
  });
  if (!checks.docker?.ok) {
    checks.image = { ok: false, detail: 'not checked: the Docker engine does not answer' };
    return;
  }
  await run('image', async () => {
    const images = [...new Set(Object.values(config.runtimes))];
    const missing: string[] = [];
    for (const image of images) {
      const found = await docker
        .getImage(image)
        .inspect()
        .then(
          () => true,
          () => false,
        );
      if (!found) missing.push(image);
    }
    if (missing.length) throw new Error(`missing image(s): ${missing.join(', ')}`);
  });
}
