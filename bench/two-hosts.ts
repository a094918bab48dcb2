// Throughput of the multi-host setup with one worker host against two, in one run: Redis as a
// 3-master cluster, job files in an S3-compatible store (s3rver), one API, workers with disks
// of their own, the second worker on another Docker engine reached over TCP with TLS (as on
// another machine). Two kinds of job: ones that wait (sleep 4 s: bound by job slots, so a
// second host's slots add up even here) and ones that compute (bound by CPU: on one machine
// the second "host" shares the same cores, so they cannot speed up here, only on real hosts).
// Prints a Markdown table.
// Usage: node --conditions=jr-source -r ts-node/register/transpile-only bench/two-hosts.ts [jobs=16]
// Environment: WORKER_CONCURRENCY per worker (default 2).
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { Client } from '../test/helpers/client';
import { HostProcess } from '../test/helpers/host-process';
import { RedisCluster } from '../test/helpers/redis-cluster';
import { S3Server } from '../test/helpers/s3-server';
import { SecondEngine } from '../test/helpers/second-engine';

const JOBS = Number(process.argv[2] ?? 16);
const CONCURRENCY = process.env.WORKER_CONCURRENCY ?? '2';
const KINDS = {
  'wait 4 s': 'import time; time.sleep(4); print("ok")',
  'compute ~0.5 s': 'n = 0\nfor i in range(6_000_000): n += i\nprint(n)',
};

async function batch(client: Client, code: string, jobs = JOBS): Promise<number> {
  const started = Date.now();
  const ids = await Promise.all(Array.from({ length: jobs }, () => client.submit({ code })));
  for (const id of ids) {
    const job = await client.waitEnded(id, 600_000);
    if (job.status !== 'succeeded') throw new Error(`job ${id} ${job.status}`);
  }
  return (Date.now() - started) / 1000;
}

async function main() {
  const cluster = new RedisCluster();
  const s3 = new S3Server();
  const engine = new SecondEngine({ tls: true });
  const processes: HostProcess[] = [];
  try {
    await Promise.all([cluster.start(), s3.start(), engine.start()]);
    engine.loadImage();
    const env = {
      ...s3.env,
      REDIS_CLUSTER_NODES: cluster.nodes,
      QUEUE_NAME: `bench-${randomUUID().slice(0, 8)}`,
      INLINE_WORKER: '0',
      HOST: '127.0.0.1',
      PORT: '0',
      WORKER_CONCURRENCY: CONCURRENCY,
    };
    const start = (app: 'api' | 'worker', extra: Record<string, string> = {}) => {
      const p = new HostProcess(app, { ...env, ...extra });
      processes.push(p);
      return p;
    };
    const client = new Client(await start('api').url());
    await start('worker').waitFor('worker started');
    const rows: string[] = [];
    const one: Record<string, number> = {};
    for (const [kind, code] of Object.entries(KINDS)) {
      await batch(client, code, 4); // warm-up: pools filled, images in page cache
      one[kind] = await batch(client, code);
    }
    await start('worker', {
      DOCKER_HOST: engine.tlsHost,
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: engine.certPath,
    }).waitFor('worker started');
    for (const [kind, code] of Object.entries(KINDS)) {
      await batch(client, code, 4);
      const two = await batch(client, code);
      rows.push(
        `| ${kind} | ${(JOBS / one[kind]).toFixed(2)} | ${(JOBS / two).toFixed(2)} | ${(one[kind] / two).toFixed(2)} x |`,
      );
    }
    console.log(
      `\n${JOBS} jobs per batch, WORKER_CONCURRENCY=${CONCURRENCY} per worker; ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}\n`,
    );
    console.log('| jobs that | 1 worker host (jobs/s) | 2 worker hosts (jobs/s) | speed-up |');
    console.log('|---|---|---|---|');
    for (const r of rows) console.log(r);
  } finally {
    for (const p of processes) await p.stop();
    await engine.dispose();
    await s3.dispose();
    await cluster.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
