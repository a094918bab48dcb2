import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { redisAnswers } from '@job-runner/jobs';
import { eventually } from './eventually';

/** Basic-auth header value. */
export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** One sample of a metric from Prometheus text, or 0 when the series is absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      have[pair[1]] = pair[2]!;
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return 0;
}

export { freePort } from './free-port';

/** A redis-server of a test's own, which it may stop and start again on the same port. */
export class OwnRedis {
  private child: ChildProcess | null = null;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-runner-own-redis-'));
  /**
   * `bind`: 0.0.0.0 makes it listen on every address of the host (a target probes must find).
   * `persistent`: every write on disk before it is answered (append-only, fsync always), as in
   * production, so a SIGKILL loses nothing acknowledged.
   */
  constructor(
    readonly port: number,
    private readonly bind = '127.0.0.1',
    private readonly persistent = false,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.child && this.child.exitCode === null) return;
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        this.bind,
        '--protected-mode',
        'no',
        '--save',
        '',
        ...(this.persistent
          ? ['--appendonly', 'yes', '--appendfsync', 'always']
          : ['--appendonly', 'no']),
      ],
      { cwd: this.dir, stdio: 'ignore' },
    );
    this.child = child;
    await eventually('redis-server to answer', () => redisAnswers('127.0.0.1', this.port), 15_000);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Everything Redis holds under a key pattern, as text: keys, fields and values of every type. */
export async function dumpRedis(redis: import('ioredis').Redis, pattern: string): Promise<string> {
  const out: string[] = [];
  for (const key of await redis.keys(pattern)) {
    const type = await redis.type(key);
    let value: unknown;
    if (type === 'string') value = await redis.get(key);
    else if (type === 'hash') value = await redis.hgetall(key);
    else if (type === 'list') value = await redis.lrange(key, 0, -1);
    else if (type === 'set') value = await redis.smembers(key);
    else if (type === 'zset') value = await redis.zrange(key, '0', '-1', 'WITHSCORES');
    else if (type === 'stream') value = await redis.xrange(key, '-', '+');
    out.push(`${key} ${type} ${JSON.stringify(value)}`);
  }
  return out.join('\n');
}
