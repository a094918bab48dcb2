#!/usr/bin/env node
// Worker memory while programs flood their output: starts the built server (API + inline
// worker) on a private redis-server, samples its RSS every 50 ms while it runs a 50 MB line
// with no newline and 300 MB of short lines, and prints the figures.
// Usage: npm run build && node bench/output-rss.mjs
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rssMb = (pid) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-runner-bench-'));
const redisPort = await freePort();
const redis = spawn('redis-server', ['--port', String(redisPort), '--save', '', '--dir', dir], {
  stdio: 'ignore',
});
const port = await freePort();
// HEAP_MB (e.g. 64) caps the V8 heap: if output were held in memory the server would crash;
// without it V8 grows its heap lazily and RSS says little about what is actually live.
const heapArgs = process.env.HEAP_MB ? [`--max-old-space-size=${process.env.HEAP_MB}`] : [];
console.log(`server node options: ${heapArgs.join(' ') || '(defaults)'}`);
const server = spawn(process.execPath, [...heapArgs, path.join(root, 'apps/api/dist/main.js')], {
  cwd: dir,
  env: {
    PATH: process.env.PATH,
    PORT: String(port),
    HOST: '127.0.0.1',
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    JOB_DATA_DIR: path.join(dir, 'data'),
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
try {
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await sleep(100);
  }
  const run = async (label, code) => {
    const samples = [];
    const timer = setInterval(() => samples.push(rssMb(server.pid)), 50);
    const t0 = performance.now();
    // POST /jobs and a light status poll: only the worker handles the output, no response
    // carries the log, so the figures are the worker's.
    const res = await fetch(`${base}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, spec: { timeout_sec: 600 } }),
    });
    const { job_id } = await res.json();
    let body;
    for (;;) {
      body = await (await fetch(`${base}/jobs/${job_id}`)).json();
      if (body.job.finished_at) break;
      await sleep(1000); // GET /jobs/:id counts log lines by reading the log: poll gently
    }
    clearInterval(timer);
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(
      `${label}: ${body.job.status}, ${secs} s, ${body.log_lines} log lines kept; ` +
        `server RSS min ${Math.min(...samples).toFixed(0)} MiB, max ${Math.max(...samples).toFixed(0)} MiB`,
    );
  };
  await run('warm-up print(1)', 'print(1)');
  console.log(`server RSS at rest: ${rssMb(server.pid).toFixed(0)} MiB`);
  await run('50 MB line, no newline', 'import sys\nsys.stdout.write("x" * 50_000_000)');
  await run(
    '300 MB of 100-byte lines',
    'import sys\nchunk = ("y" * 99 + "\\n") * 10_000\nfor _ in range(300):\n    sys.stdout.write(chunk)',
  );
  await run(
    '300 MB of 100-byte lines, stdout and stderr interleaved',
    'import sys\nchunk = ("z" * 99 + "\\n") * 10_000\nfor i in range(300):\n    (sys.stdout if i % 2 else sys.stderr).write(chunk)',
  );
  await run(
    '1 GB of 100-byte lines',
    'import sys\nchunk = ("w" * 99 + "\\n") * 10_000\nfor _ in range(1000):\n    sys.stdout.write(chunk)',
  );
  console.log(`server RSS after: ${rssMb(server.pid).toFixed(0)} MiB`);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  redis.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
}
