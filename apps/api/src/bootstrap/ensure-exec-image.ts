import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '@job-runner/config';
import type { Logger } from '@job-runner/logger';
import { dockerClient } from '@job-runner/sandbox';

const BUILD_SCRIPT = path.resolve(__dirname, '../../../../scripts/build-exec-image.sh');

/**
 * Checks the Docker engine answers and the default runtime's image exists; builds the image
 * (with its progress on the console) when it is missing and the build script is at hand.
 */
export async function ensureExecImage(config: Config, logger: Logger): Promise<void> {
  const docker = dockerClient(config.dockerHost || undefined);
  try {
    await docker.ping();
  } catch (err) {
    throw new Error(
      `the Docker engine does not answer (${(err as Error).message}); install it (apt-get install -y docker.io) ` +
        'and start dockerd, or set USE_DOCKER=0 for an unsandboxed development run',
    );
  }
  const image = config.runtimes[config.defaultRuntime]!;
  const present = await docker
    .getImage(image)
    .inspect()
    .then(
      () => true,
      () => false,
    );
  if (present) return;
  if (!fs.existsSync(BUILD_SCRIPT))
    throw new Error(`sandbox image ${image} is missing; build it with npm run build:exec-image`);
  logger.info(`sandbox image ${image} is missing: building it now (a few minutes the first time)`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn('bash', [BUILD_SCRIPT], {
      stdio: 'inherit',
      env: { ...process.env, JOB_RUN_IMAGE: image },
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`building ${image} failed (exit ${code})`)),
    );
  });
}
