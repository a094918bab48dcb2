import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { TestServer } from './test-server';

const ROOT = path.join(__dirname, '..', '..');

/** A standalone worker (apps/worker) in a process of its own, on a test server's queue. */
export class WorkerProcess {
  readonly child: ChildProcess;
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(server: TestServer, env: Record<string, string> = {}) {
    const c = server.config;
    this.child = spawn(
      process.execPath,
      [
        // The workspace links resolve @job-runner/* to their TypeScript sources under this
        // condition, as in the tests themselves.
        '--conditions=jr-source',
        '-r',
        require.resolve('ts-node/register/transpile-only'),
        path.join(ROOT, 'apps', 'worker', 'src', 'main.ts'),
      ],
      {
        cwd: server.dataDir, // no stray .env
        env: {
          PATH: process.env.PATH,
          TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
          REDIS_URL: server.config.redisUrl,
          JOB_DATA_DIR: c.jobDataDir,
          QUEUE_NAME: c.queueName,
          LOG_LEVEL: 'info',
          JOB_BACKOFF_MS: '200',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  /** Resolves once the worker says it has started (it takes jobs from then on). */
  async ready(timeoutMs = 90_000): Promise<this> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes('worker started')) {
      if (this.child.exitCode !== null)
        throw new Error(`worker exited (${this.child.exitCode}): ${this.output}`);
      if (Date.now() > deadline) throw new Error(`worker did not start: ${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return this;
  }

  /** The worker's id, as it logged it. */
  get id(): string {
    const m = /"workerId":"([^"]+)"/.exec(this.output);
    if (!m) throw new Error(`no worker id in: ${this.output}`);
    return m[1];
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}
