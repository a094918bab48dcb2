#!/usr/bin/env node
// The cost of the second wall: the same jobs with sandboxes under runc and under gVisor (runsc),
// in one run, side by side, each against a bare hardened `docker run` of the same runtime:
//   - sync latency: POST /jobs/sync of print(1) from one client, a request every THINK_MS (p50/p90);
//   - throughput: JOBS trivial jobs queued at once, WORKER_CONCURRENCY at a time (jobs/s);
//   - a CPU-bound job (pure Python arithmetic) and an I/O-bound one (small files and a large one
//     written, read back and removed in /tmp): the job's duration_ms, the program's own part.
// Needs runsc registered with the engine (bash scripts/install-gvisor.sh).
// Usage: npm run build && node bench/gvisor.mjs [sequential=20] [jobs=60] [heavy=5]
import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import { bareDockerRun } from './lib/bare-docker-run.mjs';
import { startBenchServer } from './lib/bench-server.mjs';
import { markdownTable, median, ms, pct, sequential, timed } from './lib/figures.mjs';

const run = promisify(execFile);
const SEQUENTIAL = Number(process.argv[2] ?? 20);
const JOBS = Number(process.argv[3] ?? 60);
const HEAVY = Number(process.argv[4] ?? 5);
const THINK_MS = Number(process.env.THINK_MS ?? 500);
const CONCURRENCY = Number(process.env.WORKER_CONCURRENCY ?? 2);
const IMAGE = process.env.JOB_RUN_IMAGE ?? 'job-runner-exec:latest';

const CPU_BOUND = `
t = 0
for i in range(6_000_000):
    t += i * i % 7
print(t)
`;
const IO_BOUND = `
import os
d = "/tmp/io"
os.mkdir(d)
for i in range(2000):
    with open(f"{d}/f{i}", "w") as f:
        f.write("x" * 512)
n = 0
for i in range(2000):
    with open(f"{d}/f{i}") as f:
        n += len(f.read())
    os.remove(f"{d}/f{i}")
block = b"y" * 65536
with open(f"{d}/big", "wb") as f:
    for _ in range(512):
        f.write(block)
with open(f"{d}/big", "rb") as f:
    while chunk := f.read(65536):
        n += len(chunk)
print(n)
`;

/** The hardened flags the platform uses, for a fair bare run under `runtime`. */
const dockerRun = (runtime) => bareDockerRun(IMAGE, { runtime });

async function measure(runtime) {
  const bare = await sequential(() => run('docker', dockerRun(runtime)), SEQUENTIAL, THINK_MS);
  const server = await startBenchServer({
    SANDBOX_RUNTIME: runtime,
    WORKER_CONCURRENCY: String(CONCURRENCY),
  });
  const sync = async (code, spec = {}) => {
    const res = await fetch(`${server.base}/jobs/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, spec: { timeout_sec: 600, ...spec } }),
    });
    const r = await res.json();
    if (r.job?.status !== 'succeeded') throw new Error(`job did not succeed: ${JSON.stringify(r)}`);
    return r.job;
  };
  try {
    const latency = await sequential(() => sync('print(1)'), SEQUENTIAL, THINK_MS);
    const tput = await timed(() =>
      Promise.all(Array.from({ length: JOBS }, () => sync('print(1)'))),
    );
    const heavy = async (code) => {
      const jobs = [];
      for (let i = 0; i < HEAVY; i++) jobs.push(await sync(code));
      return {
        durationMs: median(jobs.map((j) => j.duration_ms)),
        cpuMs: median(jobs.map((j) => j.cpu_time_ms)),
        peakMb: median(jobs.map((j) => (j.peak_memory_bytes ?? 0) / 2 ** 20)),
      };
    };
    return {
      runtime,
      bare50: median(bare),
      p50: median(latency),
      p90: pct(latency, 90),
      perSec: (JOBS / tput) * 1000,
      cpu: await heavy(CPU_BOUND),
      io: await heavy(IO_BOUND),
      idle: await heavy('print(1)'),
    };
  } finally {
    await server.stop();
  }
}

console.log(
  `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; ` +
    `WORKER_CONCURRENCY=${CONCURRENCY}; ${SEQUENTIAL} sync jobs ${THINK_MS} ms apart, ${JOBS} for throughput, ` +
    `${HEAVY} of each heavy job (medians)`,
);
const runc = await measure('runc');
const runsc = await measure('runsc');
console.log(
  markdownTable(
    [
      '',
      'docker run p50',
      'sync p50',
      'sync p90',
      'jobs/s',
      'CPU-bound',
      'I/O-bound',
      'print(1) cpu_time',
      'print(1) peak',
    ],
    [runc, runsc].map((r) => [
      r.runtime,
      ms(r.bare50),
      ms(r.p50),
      ms(r.p90),
      r.perSec.toFixed(2),
      ms(r.cpu.durationMs),
      ms(r.io.durationMs),
      ms(r.idle.cpuMs),
      `${Math.round(r.idle.peakMb)} MB`,
    ]),
  ),
);
const x = (a, b) => `${(a / b).toFixed(2)} x`;
console.log(
  `runsc against runc: docker run ${x(runsc.bare50, runc.bare50)}, sync p50 ${x(runsc.p50, runc.p50)}, ` +
    `throughput ${x(runsc.perSec, runc.perSec)}, CPU-bound ${x(runsc.cpu.durationMs, runc.cpu.durationMs)}, ` +
    `I/O-bound ${x(runsc.io.durationMs, runc.io.durationMs)}`,
);
console.log(
  `each against its own docker run: runc sync p50 ${x(runc.p50, runc.bare50)}, runsc sync p50 ${x(runsc.p50, runsc.bare50)}`,
);
