#!/usr/bin/env node
// Does a CPU hog with cpu_limit 0.5 starve a neighbour job? Runs a fixed CPU-bound neighbour job
// alone, then while a hog (4 busy processes, cpu_limit 0.5) runs, and prints both durations.
// Also prints the CPU the hog really used (cgroup accounting) and, for comparison, the same hog
// allowed every CPU. Needs a running server with WORKER_CONCURRENCY >= 2 on this machine's engine.
// Usage: node bench/cpu-hog-neighbour.mjs [N] [BASE_URL]
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import os from 'node:os';

const run = async (args) => (await promisify(execFile)('docker', args)).stdout.trim();

const n = Number(process.argv[2] ?? 5);
const base = process.argv[3] ?? process.env.BASE_URL ?? 'http://127.0.0.1:8000';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;

const NEIGHBOUR = `
import time
t = time.process_time()
s = 0
for i in range(20_000_000):
    s += i
print("cpu", round(time.process_time() - t, 3))
`;
const HOG = `
import multiprocessing as mp
def burn():
    while True:
        pass
procs = [mp.Process(target=burn) for _ in range(4)]
for p in procs:
    p.start()
print("hog running", flush=True)
for p in procs:
    p.join()
`;

async function post(path, body) {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Runs the neighbour job and returns its run time as the platform measured it. */
async function neighbour() {
  const { status, body } = await post('/jobs/sync', {
    code: NEIGHBOUR,
    spec: { cpu_limit: 1, timeout_sec: 300 },
  });
  if (status !== 200 || body.job.status !== 'succeeded') throw new Error(JSON.stringify(body));
  return body.job.duration_ms;
}

async function waitRunning(id) {
  for (let i = 0; i < 600; i++) {
    const job = (await (await fetch(`${base}/jobs/${id}`)).json()).job;
    if (job.status === 'running' && job.phase === 'running') return;
    if (!['queued', 'running'].includes(job.status)) throw new Error(`hog ended: ${job.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('hog never started');
}

await neighbour(); // warm-up
const alone = [];
for (let i = 0; i < n; i++) alone.push(await neighbour());
console.log(`neighbour alone x${n}: median ${fmt(median(alone))}  [${alone.map(fmt).join(', ')}]`);

/** CPU the hog's container used over a few seconds, in cores (cgroup v1 cpuacct, else v2). */
async function hogCores(jobId) {
  const id = await run(['ps', '-q', '--filter', `label=job-runner.job-id=${jobId}`]);
  const read = async () =>
    Number(await run(['exec', id, 'cat', '/sys/fs/cgroup/cpuacct/cpuacct.usage']));
  const t0 = performance.now();
  const u0 = await read();
  await new Promise((r) => setTimeout(r, 5000));
  const u1 = await read();
  return (u1 - u0) / 1e6 / (performance.now() - t0);
}

/** Runs the neighbour n times beside a hog with the given cpu_limit. */
async function besideHog(cpuLimit) {
  const hog = await post('/jobs', { code: HOG, spec: { cpu_limit: cpuLimit, timeout_sec: 600 } });
  if (hog.status !== 200) throw new Error(JSON.stringify(hog.body));
  const hogId = hog.body.job_id;
  try {
    await waitRunning(hogId);
    await new Promise((r) => setTimeout(r, 2000)); // let the hog's processes spin up
    const cores = await hogCores(hogId);
    const beside = [];
    for (let i = 0; i < n; i++) beside.push(await neighbour());
    console.log(
      `neighbour beside a hog with cpu_limit ${cpuLimit} (it used ${cores.toFixed(2)} cores) x${n}: ` +
        `median ${fmt(median(beside))}  [${beside.map(fmt).join(', ')}]  slowdown x${(median(beside) / median(alone)).toFixed(2)}`,
    );
  } finally {
    await post(`/jobs/${hogId}/cancel`, {});
  }
}

console.log(
  `machine: ${os.cpus().length} CPUs, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
await besideHog(0.5);
// For comparison: the same hog allowed every CPU of this machine.
if (process.env.SKIP_UNLIMITED !== '1') await besideHog(os.cpus().length);
console.log(
  `load average after: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
