import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRunner } from '@job-runner/bootstrap';
import type { Config } from '@job-runner/config';
import type { Logger } from '@job-runner/logger';

const BUILD_SCRIPT = path.resolve(__dirname, '../../../../scripts/build-exec-image.sh');

/**
 * `npm start` on a fresh machine: when the engine answers but the default runtime's image is
 * missing and the build script is at hand, builds it (with its progress on the console).
 * Everything else the sandbox check finds wrong is left for the worker's own start to report.
 */
export async function ensureExecImage(config: Config, logger: Logger): Promise<void> {
  const image = config.runtimes[config.defaultRuntime];
  const checks = await createRunner(config).runner.check([image]);
  const ok = (name: string) => checks.find((c) => c.name === name)?.ok ?? true;
  if (!ok('docker') || ok('image') || !fs.existsSync(BUILD_SCRIPT)) return;
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
