import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import path from 'node:path';
import type { TestServer } from './test-server';

const ROOT = path.join(__dirname, '..', '..');

/**
 * An entry point of ours (apps/api or apps/worker) in a process of its own, run from its
 * TypeScript sources, as `npm start` / `npm run worker` run the compiled ones.
 */
export class AppProcess {
  readonly child: ChildProcess;
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    app: 'api' | 'worker',
    env: Record<string, string>,
    cwd: string,
    spawnOpts: SpawnOptions = {},
  ) {
    this.child = spawn(
      process.execPath,
      [
        // The workspace links resolve @job-runner/* to their TypeScript sources under this
        // condition, as in the tests themselves.
        '--conditions=jr-source',
        '-r',
        require.resolve('ts-node/register/transpile-only'),
        path.join(ROOT, 'apps', app, 'src', 'main.ts'),
      ],
      {
        cwd, // no stray .env
        env: {
          PATH: process.env.PATH,
          TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
          LOG_LEVEL: 'info',
          JOB_BACKOFF_MS: '200',
          // Outbound makes a network and host firewall rules: only tests that ask get it.
          OUTBOUND_ENABLED: '0',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        ...spawnOpts,
      },
    );
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  /** Resolves once the process has logged `line` (it is up from then on). */
  async waitFor(line: string, timeoutMs = 90_000): Promise<this> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes(line)) {
      if (this.child.exitCode !== null)
        throw new Error(`process exited (${this.child.exitCode}): ${this.output}`);
      if (Date.now() > deadline) throw new Error(`"${line}" not seen in: ${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return this;
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

/** A standalone worker (apps/worker) in a process of its own, on a test server's queue. */
export class WorkerProcess extends AppProcess {
  constructor(server: TestServer, env: Record<string, string> = {}, spawnOpts: SpawnOptions = {}) {
    const c = server.config;
    super(
      'worker',
      {
        REDIS_URL: server.config.redisUrl,
        JOB_DATA_DIR: c.jobDataDir,
        QUEUE_NAME: c.queueName,
        ...env,
      },
      server.dataDir,
      spawnOpts,
    );
  }

  /** Resolves once the worker says it has started (it takes jobs from then on). */
  ready(timeoutMs = 90_000): Promise<this> {
    return this.waitFor('worker started', timeoutMs);
  }

  /** The worker's id, as it logged it. */
  get id(): string {
    const m = /"workerId":"([^"]+)"/.exec(this.output);
    if (!m) throw new Error(`no worker id in: ${this.output}`);
    return m[1];
  }
}
