import type { Config } from '@job-runner/config';
import { JobWorker, newWorkerId, WORKER_LABEL } from '@job-runner/jobs';
import type { Logger } from '@job-runner/logger';
import { isTcpEndpoint } from '@job-runner/sandbox';
import { createRunner } from './create-runner';
import { SandboxNotReadyError } from './sandbox-not-ready-error';

/** Every runtime's image: what a worker must find on its engine before it takes a job. */
export const runtimeImages = (config: Config): string[] => [
  ...new Set(Object.values(config.runtimes)),
];

/**
 * Builds the sandbox runner, checks it can work (engine, images, OCI runtime) and starts a
 * worker with it. The one way a worker starts, alone (`npm run worker`) or inside the API
 * (INLINE_WORKER=1). Throws SandboxNotReadyError naming every check that failed.
 */
export async function startWorker(config: Config, logger: Logger): Promise<JobWorker> {
  const id = newWorkerId();
  // Allowed, as the docker CLI allows it, but anyone who reaches that port is root on its host.
  if (config.useDocker && isTcpEndpoint(config.docker) && !config.docker.tlsVerify)
    logger.warn('the Docker engine is reached over plain TCP: set DOCKER_TLS_VERIFY=1', {
      dockerHost: config.docker.host,
    });
  const { runner, inventory } = createRunner(config, { [WORKER_LABEL]: id });
  const failed = (await runner.check(runtimeImages(config))).filter((c) => !c.ok);
  if (failed.length) throw new SandboxNotReadyError(failed);
  const worker = new JobWorker({ id, config, logger, runner, inventory });
  try {
    await worker.start();
  } catch (err) {
    await worker.close().catch(() => undefined);
    throw err;
  }
  return worker;
}
