// What the benchmarks share: a private redis-server and the built server (API and, unless told
// otherwise, its inline worker) on free ports, and readings of the server process.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** Resident memory (MiB) and open descriptors of a process. */
export function processStats(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return {
    rssMb: m ? Math.round(Number(m[1]) / 1024) : NaN,
    fds: fs.readdirSync(`/proc/${pid}/fd`).length,
  };
}

/**
 * Starts a redis-server and the built server (`npm run build` first) with `env` on top of the
 * defaults; resolves once /healthz answers. `nodeArgs` go to the server's node.
 */
export async function startBenchServer(env = {}, nodeArgs = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-runner-bench-'));
  const redisPort = await freePort();
  const redis = spawn('redis-server', ['--port', String(redisPort), '--save', '', '--dir', dir], {
    stdio: 'ignore',
  });
  const port = await freePort();
  const server = spawn(process.execPath, [...nodeArgs, path.join(root, 'apps/api/dist/main.js')], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      JOB_DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'warn',
      MAX_QUEUE_SIZE: '0',
      // A bench must not leave a network and firewall rules on the host.
      OUTBOUND_ENABLED: '0',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    const up = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode})`);
    await sleep(100);
  }
  return {
    base,
    port,
    pid: server.pid,
    dataDir: path.join(dir, 'data'),
    /** Connected Redis clients, as the redis-server counts them. */
    redisClients() {
      const info = execFileSync('redis-cli', ['-p', String(redisPort), 'info', 'clients'], {
        encoding: 'utf8',
      });
      return Number(/connected_clients:(\d+)/.exec(info)?.[1] ?? NaN);
    },
    stats() {
      return { ...processStats(server.pid), redisClients: this.redisClients() };
    },
    async stop() {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
      redis.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
