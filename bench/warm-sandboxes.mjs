#!/usr/bin/env node
// The job path against a bare hardened `docker run` of the same program, in one run, side by
// side: POST /jobs/sync of print(1) from one client at a time, a request every THINK_MS (the
// latency a person or a script waiting on each result sees: p50/p90/p99), the same back to back
// (one client as fast as it can), 8 clients at once (p50 and p99), and the throughput of 200
// trivial jobs against 200 `docker run`s at the same parallelism (WORKER_CONCURRENCY); once with
// the sandbox pool on (the default) and once off.
// Usage: npm run build && node bench/warm-sandboxes.mjs [sequential=30] [jobs=200]
// Environment: THINK_MS (default 1000), WORKER_CONCURRENCY (default 2).
import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import { bareDockerRun } from './lib/bare-docker-run.mjs';
import { sleep, startBenchServer } from './lib/bench-server.mjs';
import { markdownTable, ms, pct, timed } from './lib/figures.mjs';

const run = promisify(execFile);
const SEQUENTIAL = Number(process.argv[2] ?? 30);
const JOBS = Number(process.argv[3] ?? 200);
const CONCURRENT_CLIENTS = 8;
const THINK_MS = Number(process.env.THINK_MS ?? 1000);
const CONCURRENCY = Number(process.env.WORKER_CONCURRENCY ?? 2);
const IMAGE = process.env.JOB_RUN_IMAGE ?? 'job-runner-exec:latest';

/** The hardened flags the platform uses, for a fair bare run. */
const DOCKER_RUN = bareDockerRun(IMAGE);

/** Runs `n` calls of `fn`, at most `parallel` at once, `thinkMs` apart on each lane. */
async function pool(n, parallel, fn, thinkMs = 0) {
  const times = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) {
        next++;
        times.push(await timed(fn));
        if (thinkMs) await sleep(thinkMs);
      }
    }),
  );
  return times;
}

async function measure(label, fn) {
  for (let i = 0; i < 3; i++) await fn(); // warm-up
  const seq = await pool(SEQUENTIAL, 1, fn, THINK_MS);
  const b2b = await pool(SEQUENTIAL, 1, fn);
  const conc = await pool(CONCURRENT_CLIENTS * 5, CONCURRENT_CLIENTS, fn);
  const tput = await timed(() => pool(JOBS, label === 'docker run' ? CONCURRENCY : JOBS, fn));
  return {
    label,
    p50: pct(seq, 50),
    p90: pct(seq, 90),
    p99: pct(seq, 99),
    b50: pct(b2b, 50),
    c50: pct(conc, 50),
    c99: pct(conc, 99),
    perSec: (JOBS / tput) * 1000,
  };
}

const bare = () => run('docker', DOCKER_RUN);
async function platform(poolSize) {
  const server = await startBenchServer({
    SANDBOX_POOL_SIZE: String(poolSize),
    WORKER_CONCURRENCY: String(CONCURRENCY),
  });
  // The throughput phase queues every job at once: the last ones wait for the whole run, so the
  // sync wait (timeout_sec + SYNC_GRACE_SEC) must outlast it. The timeout is no pool shape.
  const body = JSON.stringify({ code: 'print(1)', spec: { timeout_sec: 600 } });
  const sync = async () => {
    const res = await fetch(`${server.base}/jobs/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const r = await res.json();
    if (r.job?.status !== 'succeeded') throw new Error(`job did not succeed: ${JSON.stringify(r)}`);
  };
  try {
    return await measure(poolSize ? `pool of ${poolSize}` : 'pool off', sync);
  } finally {
    await server.stop();
  }
}

console.log(
  `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; ` +
    `WORKER_CONCURRENCY=${CONCURRENCY}; ${SEQUENTIAL} from one client (${THINK_MS} ms apart, then back to back), ` +
    `${CONCURRENT_CLIENTS * 5} by ${CONCURRENT_CLIENTS} clients, ${JOBS} for throughput`,
);
const docker = await measure('docker run', bare);
const rows = [docker, await platform(CONCURRENCY), await platform(0)];
// A Markdown table, as the README's Performance section shows it.
console.log(
  markdownTable(
    ['', 'p50', 'p90', 'p99', 'back to back p50', '8 clients p50', '8 clients p99', 'jobs/s'],
    rows.map((r) => [
      r.label,
      ms(r.p50),
      ms(r.p90),
      ms(r.p99),
      ms(r.b50),
      ms(r.c50),
      ms(r.c99),
      r.perSec.toFixed(2),
    ]),
  ),
);
for (const r of rows.slice(1))
  console.log(
    `${r.label}: sync p50 ${(r.p50 / docker.p50).toFixed(2)} x docker run ` +
      `(back to back ${(r.b50 / docker.b50).toFixed(2)} x); ` +
      `8-client p99 ${(r.c99 / r.c50).toFixed(2)} x its p50; ` +
      `throughput ${(r.perSec / docker.perSec).toFixed(2)} x docker run at ${CONCURRENCY} at once`,
  );
