import { startBenchServer, sleep } from './lib/bench-server.mjs';
const server = await startBenchServer({ SANDBOX_POOL_SIZE: '2' });
const body = JSON.stringify({ code: 'print(1)' });
for (let i = 0; i < 16; i++) {
  const t0 = Date.now();
  const r = await (
    await fetch(`${server.base}/jobs/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
  ).json();
  const t1 = Date.now();
  const j = r.job;
  const c = Date.parse(j.created_at),
    s = Date.parse(j.started_at),
    f = Date.parse(j.finished_at);
  console.log(
    `total ${t1 - t0} | submit->created ${c - t0} | wait ${s - c} | run(started->finished) ${f - s} (program ${j.duration_ms}) | finished->answer ${t1 - f} | ${j.sandbox}`,
  );
}
await server.stop();
