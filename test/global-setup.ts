import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// Loaded outside the test environment: plain relative imports, no workspace package.
import { redisAnswers } from '../packages/jobs/src/queue/redis-answers';
import { freePort } from './helpers/free-port';

/**
 * A private redis-server on a free port for the whole run, and the Docker engine and sandbox
 * image the suite needs. No Docker fails the run unless SKIP_DOCKER_TESTS=1 was set by hand.
 */
export default async function globalSetup(): Promise<void> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('the tests need redis-server: apt-get install -y redis-server');
  }
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-runner-test-redis-'));
  const redis = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    {
      stdio: 'ignore',
      detached: false,
    },
  );
  for (let i = 0; i < 100 && !(await redisAnswers('127.0.0.1', port)); i++)
    await new Promise((r) => setTimeout(r, 50));
  if (!(await redisAnswers('127.0.0.1', port)))
    throw new Error('the private redis-server for the tests did not start');
  process.env.TEST_REDIS_URL = `redis://127.0.0.1:${port}`;
  process.env.TEST_REDIS_PORT = String(port);
  (globalThis as Record<string, unknown>).__TEST_REDIS__ = { pid: redis.pid, dir };

  if (process.env.SKIP_DOCKER_TESTS === '1') {
    console.warn('\nSKIP_DOCKER_TESTS=1: tests that need Docker are skipped\n');
    return;
  }
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe' });
  } catch {
    throw new Error(
      'the tests need a running Docker engine (apt-get install -y docker.io; dockerd &). ' +
        'Set SKIP_DOCKER_TESTS=1 by hand to run only the tests that do not need it.',
    );
  }
  // The `gvisor` project runs the attack suite again under gVisor's runtime.
  const runtimes = execFileSync('docker', ['info', '--format', '{{json .Runtimes}}'], {
    encoding: 'utf8',
  });
  if (!Object.keys(JSON.parse(runtimes) as object).includes('runsc'))
    throw new Error(
      'the attack suite also runs under gVisor, which the Docker engine does not know: ' +
        'bash scripts/install-gvisor.sh installs runsc and registers it',
    );
  const image = process.env.JOB_RUN_IMAGE || 'job-runner-exec:latest';
  if (spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status !== 0) {
    console.log(`\nbuilding the sandbox image ${image} for the tests\n`);
    execFileSync('bash', [path.join(__dirname, '..', 'scripts', 'build-exec-image.sh')], {
      stdio: 'inherit',
    });
  }
}
