import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@job-runner/config';
import { createLogger } from '@job-runner/logger';
import { redisAnswers } from '@job-runner/jobs';
import { ensureExecImage } from '../../apps/api/src/bootstrap/ensure-exec-image';
import { resolveRedis } from '../../apps/api/src/bootstrap/resolve-redis';
import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { freePort } from '../helpers/free-port';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { AppProcess, WorkerProcess } from '../helpers/worker-process';

const logger = createLogger({ level: 'error' });

/** What `npm start` and `npm run worker` promise at start and at stop. */
describe('npm start with REDIS_URL unset', () => {
  it('starts a private redis-server where nothing answers, and stops it with the API', async () => {
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'private-redis-'));
    // REDIS_URL unset means localhost:6379; the test stands in another port for it.
    const config = {
      ...loadConfig({ JOB_DATA_DIR: dataDir }, { dotenvDir: null }),
      redisUrl: `redis://127.0.0.1:${port}`,
    };
    expect(config.redisUrlGiven).toBe(false);
    expect(await redisAnswers('127.0.0.1', port)).toBe(false);
    const redis = await resolveRedis(config, logger);
    try {
      expect(await redisAnswers('127.0.0.1', port)).toBe(true);
      expect(fs.existsSync(path.join(dataDir, 'redis'))).toBe(true);
    } finally {
      await redis.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    expect(await redisAnswers('127.0.0.1', port)).toBe(false);
  });
});

describeDocker('npm start on a machine without the sandbox image', () => {
  it('builds the image before the worker starts', async () => {
    const image = `job-runner-exec:first-start-${process.pid}`;
    const config = loadConfig({ JOB_RUN_IMAGE: image }, { dotenvDir: null });
    try {
      await ensureExecImage(config, logger);
      expect(
        execFileSync('docker', ['image', 'inspect', '-f', '{{.Id}}', image], { encoding: 'utf8' }),
      ).toMatch(/^sha256:/);
    } finally {
      execFileSync('docker', ['rmi', '-f', image], { stdio: 'ignore' });
    }
  });
});

describeDocker('the API process with its inline worker', () => {
  it('on SIGTERM lets a running job finish, then exits 0', async () => {
    const server: TestServer = await startTestServer({ INLINE_WORKER: '0' });
    const port = await freePort();
    const api = new AppProcess(
      'api',
      {
        REDIS_URL: server.config.redisUrl,
        JOB_DATA_DIR: server.config.jobDataDir,
        QUEUE_NAME: server.config.queueName,
        PORT: String(port),
        HOST: '127.0.0.1',
        OUTBOUND_ENABLED: '0',
        SHUTDOWN_GRACE_SEC: '60',
      },
      server.dataDir,
    );
    try {
      await api.waitFor('listening on');
      const client = new Client(`http://127.0.0.1:${port}`);
      const id = await client.submit({
        code: 'import time\nprint("started", flush=True)\ntime.sleep(3)\nprint("done")',
      });
      await eventually('the job runs', async () => (await client.logs(id)).includes('started'));
      api.kill('SIGTERM');
      expect(await api.exited).toEqual({ code: 0, signal: null });
      // Read through the other API process of the deployment: the job finished, not abandoned.
      const job = await new Client(server.url).job(id);
      expect(job.status).toBe('succeeded');
      expect(await new Client(server.url).logs(id)).toContain('done');
    } finally {
      api.kill('SIGKILL');
      await server.close();
    }
  });
});

describeDocker('a worker that cannot run sandboxes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ INLINE_WORKER: '0' });
  });
  afterAll(() => server.close());

  const refusal = async (env: Record<string, string>, spawnOpts = {}) => {
    const w = new WorkerProcess(server, env, spawnOpts);
    const exit = await w.exited;
    return { exit, output: w.output };
  };

  it('refuses to start when the engine does not answer, naming it', async () => {
    const r = await refusal({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(r.exit.code).toBe(1);
    expect(r.output).toMatch(
      /job-runner worker: sandboxes cannot run here: docker: Docker engine unreachable \(ENOENT\)/,
    );
  });

  it('refuses to start when a runtime image is missing, naming it', async () => {
    const r = await refusal({ RUNTIMES: 'ghost=job-runner-no-such-image:never' });
    expect(r.exit.code).toBe(1);
    expect(r.output).toMatch(/image: missing image\(s\): job-runner-no-such-image:never/);
  });

  it('refuses to start without the Docker socket’s group, saying how to give it', async () => {
    // As a user outside the socket's group, from a directory it may read (Node.js reads the
    // nearest package.json from the working directory up, and refuses to start on EACCES).
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'job-runner-nobody-'));
    fs.chmodSync(cwd, 0o755);
    const r = await refusal({ HOME: '/tmp' }, { uid: 65534, gid: 65534, cwd }).finally(() =>
      fs.rmSync(cwd, { recursive: true, force: true }),
    );
    expect(r.exit.code).toBe(1);
    expect(r.output).toMatch(/Docker engine unreachable \(EACCES\)/);
    expect(r.output).toMatch(/run the worker in its group \(stat -c %g \/var\/run\/docker\.sock\)/);
  });

  it('with USE_DOCKER=0 starts, warning loudly that nothing is sandboxed', async () => {
    const w = await new WorkerProcess(server, { USE_DOCKER: '0' }).ready();
    try {
      expect(w.output).toMatch(
        /USE_DOCKER=0: user code runs as a plain child process, NOT SANDBOXED/,
      );
    } finally {
      w.kill('SIGKILL');
      await w.exited;
    }
  });
});
