#!/usr/bin/env node
// What OpenTelemetry tracing costs: the same jobs with tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT,
// the default) and on (every span exported over OTLP/HTTP to a local sink that accepts them, as a
// collector next to the server would), in one run, each against a bare hardened `docker run`:
//   - sync latency: POST /jobs/sync of print(1) from one client, a request every THINK_MS (p50/p90);
//   - throughput: JOBS trivial jobs queued at once, WORKER_CONCURRENCY at a time (jobs/s);
//   - the server process' own CPU time per job over that batch (API and inline worker: where
//     spans are made and exported);
//   - with tracing off, what the job's spans cost at all: the platform's span calls of one job
//     (the compiled packages/sandbox helpers, no provider registered: OpenTelemetry's no-op),
//     timed over many jobs' worth.
// Usage: npm run build && node bench/tracing.mjs [sequential=30] [jobs=100] [rounds=2]
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { promisify } from 'node:util';
import { bareDockerRun } from './lib/bare-docker-run.mjs';
import { freePort, startBenchServer } from './lib/bench-server.mjs';
import { markdownTable, median, ms, pct, sequential, timed } from './lib/figures.mjs';
import { inSpan, startSpan } from '../packages/sandbox/dist/index.js';

const run = promisify(execFile);
const SEQUENTIAL = Number(process.argv[2] ?? 30);
const JOBS = Number(process.argv[3] ?? 100);
const ROUNDS = Number(process.argv[4] ?? 2);
const THINK_MS = Number(process.env.THINK_MS ?? 500);
const CONCURRENCY = Number(process.env.WORKER_CONCURRENCY ?? 2);
const IMAGE = process.env.JOB_RUN_IMAGE ?? 'job-runner-exec:latest';
const TICK_MS = 1000 / 100; // USER_HZ

/** CPU time (user + system, ms) a process has used so far. */
const cpuMs = (pid) => {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
};

/** An OTLP/HTTP receiver that accepts every export: what it got, in requests and bytes. */
async function startSink() {
  const got = { requests: 0, bytes: 0 };
  const server = http.createServer((req, res) => {
    req.on('data', (c) => (got.bytes += c.length));
    req.on('end', () => {
      got.requests++;
      // An empty ExportTraceServiceResponse: everything accepted.
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, got, close: () => server.close() };
}

async function measure(name, env) {
  const server = await startBenchServer({ WORKER_CONCURRENCY: String(CONCURRENCY), ...env });
  const sync = async () => {
    const res = await fetch(`${server.base}/jobs/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'print(1)' }),
    });
    const r = await res.json();
    if (r.job?.status !== 'succeeded') throw new Error(`job did not succeed: ${JSON.stringify(r)}`);
  };
  try {
    const latency = await sequential(sync, SEQUENTIAL, THINK_MS);
    const cpu0 = cpuMs(server.pid);
    const tput = await timed(() => Promise.all(Array.from({ length: JOBS }, sync)));
    return {
      name,
      latency,
      perSec: (JOBS / tput) * 1000,
      cpuPerJob: (cpuMs(server.pid) - cpu0) / JOBS,
    };
  } finally {
    await server.stop();
  }
}

console.log(
  `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ` +
    `WORKER_CONCURRENCY=${CONCURRENCY}; per round: ${SEQUENTIAL} sync jobs ${THINK_MS} ms apart, ` +
    `${JOBS} at once; ${ROUNDS} round(s), off and on alternating`,
);
/**
 * Microseconds per job of the span calls a job makes in the worker with tracing off: the six
 * phases through inSpan, the run's two spans and the removal's, through startSpan.
 */
async function noopSpansPerJobUs(jobs = 200_000) {
  const oneJob = async () => {
    for (const name of ['job.prepare', 'sandbox.acquire', 'sandbox.files_in', 'job.store'])
      await inSpan(name, {}, (span) => {
        span.setAttribute('x', 1);
        return Promise.resolve();
      });
    for (const name of ['job.queue_wait', 'sandbox.run', 'sandbox.collect', 'sandbox.remove'])
      startSpan(name).end();
  };
  for (let i = 0; i < 10_000; i++) await oneJob(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < jobs; i++) await oneJob();
  return ((performance.now() - t0) * 1000) / jobs;
}
const noopUs = await noopSpansPerJobUs();

const sink = await startSink();
const results = { bare: [], off: [], on: [] };
for (let round = 0; round < ROUNDS; round++) {
  results.bare.push(
    ...(await sequential(() => run('docker', bareDockerRun(IMAGE)), SEQUENTIAL, THINK_MS)),
  );
  results.off.push(await measure('off', {}));
  results.on.push(
    await measure('on', { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_SERVICE_NAME: 'bench' }),
  );
}
sink.close();

const summary = (rs) => {
  const latency = rs.flatMap((r) => r.latency);
  return {
    p50: median(latency),
    p90: pct(latency, 90),
    perSec: median(rs.map((r) => r.perSec)),
    cpuPerJob: median(rs.map((r) => r.cpuPerJob)),
  };
};
const bare50 = median(results.bare);
const off = summary(results.off);
const on = summary(results.on);
console.log(
  markdownTable(
    ['tracing', 'sync p50', 'sync p90', 'jobs/s', 'server CPU per job', 'p50 / docker run'],
    [
      ['off', off],
      ['on (OTLP/HTTP)', on],
    ].map(([name, r]) => [
      name,
      ms(r.p50),
      ms(r.p90),
      r.perSec.toFixed(2),
      `${r.cpuPerJob.toFixed(1)} ms`,
      `${(r.p50 / bare50).toFixed(2)} x`,
    ]),
  ),
);
console.log(`bare hardened docker run p50: ${ms(bare50)}`);
const x = (a, b) => `${(a / b).toFixed(3)} x`;
console.log(
  `on against off: sync p50 ${x(on.p50, off.p50)}, throughput ${x(on.perSec, off.perSec)}, ` +
    `server CPU per job ${x(on.cpuPerJob, off.cpuPerJob)} (+${(on.cpuPerJob - off.cpuPerJob).toFixed(1)} ms)`,
);
console.log(
  `the sink received ${sink.got.requests} OTLP export(s), ${Math.round(sink.got.bytes / 1024)} KiB`,
);
console.log(
  `tracing off: a job's span calls cost ${noopUs.toFixed(2)} µs in all (OpenTelemetry's no-op), ` +
    `${((noopUs / 1000 / off.p50) * 100).toFixed(4)} % of the sync p50`,
);
