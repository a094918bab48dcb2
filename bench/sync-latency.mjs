#!/usr/bin/env node
// Median latency of POST /jobs/sync running print(1), against a running server, next to a bare
// hardened `docker run` of the same program. Usage: node bench/sync-latency.mjs [N] [BASE_URL]
import { execFileSync } from 'node:child_process';
import { bareDockerRun } from './lib/bare-docker-run.mjs';

const n = Number(process.argv[2] ?? 20);
const base = process.argv[3] ?? process.env.BASE_URL ?? 'http://127.0.0.1:8000';
const image = process.env.JOB_RUN_IMAGE ?? 'job-runner-exec:latest';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];
const fmt = (ms) => `${(ms / 1000).toFixed(3)} s`;

async function syncOnce() {
  const t = performance.now();
  const res = await fetch(`${base}/jobs/sync`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: 'print(1)' }),
  });
  const body = await res.json();
  if (res.status !== 200 || body.job.status !== 'succeeded') throw new Error(JSON.stringify(body));
  return performance.now() - t;
}

function dockerRunOnce() {
  const t = performance.now();
  execFileSync('docker', bareDockerRun(image));
  return performance.now() - t;
}

await syncOnce(); // warm-up
const sync = [];
for (let i = 0; i < n; i++) sync.push(await syncOnce());
console.log(`POST /jobs/sync print(1) x${n}: median ${fmt(median(sync))}, p90 ${fmt(p90(sync))}`);
const bare = [];
for (let i = 0; i < Math.min(n, 10); i++) bare.push(dockerRunOnce());
console.log(
  `bare hardened docker run x${bare.length}: median ${fmt(median(bare))}, p90 ${fmt(p90(bare))}`,
);
