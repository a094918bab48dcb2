#!/usr/bin/env node
// Worker memory while programs flood their output: starts the built server (API + inline
// worker) on a private redis-server, samples its RSS every 50 ms while it runs a 50 MB line
// with no newline and 300 MB of short lines, and prints the figures.
// Usage: npm run build && node bench/output-rss.mjs
import { processStats, sleep, startBenchServer } from './lib/bench-server.mjs';

// HEAP_MB (e.g. 64) caps the V8 heap: if output were held in memory the server would crash;
// without it V8 grows its heap lazily and RSS says little about what is actually live.
const heapArgs = process.env.HEAP_MB ? [`--max-old-space-size=${process.env.HEAP_MB}`] : [];
console.log(`server node options: ${heapArgs.join(' ') || '(defaults)'}`);
const server = await startBenchServer({ MAX_LOG_BYTES: String(10 * 1024 * 1024) }, heapArgs);
const { base } = server;
const rssMb = (pid) => processStats(pid).rssMb;
try {
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
      await sleep(250);
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
  await server.stop();
}
