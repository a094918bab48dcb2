import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parse as parseDisposition } from 'content-disposition';
import { Redis } from 'ioredis';
import { keyBase } from '@job-runner/jobs';
import { Client } from '../helpers/client';
import { describeDocker, peakMemoryKnown, underGvisor } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { expectNextJobSucceeds } from '../helpers/attack';
import { basic, sample } from '../helpers/operator';
import { startTestServer, type TestServer } from '../helpers/test-server';

const KiB = 1024;
const MiB = 1024 * KiB;
const ADMIN = { ADMIN_USER: 'ops', ADMIN_PASSWORD: 'board-password-1' };
const auth = { authorization: basic('ops', 'board-password-1') };

/** Descriptors of this process (the server runs in it) that point into `dir`, or at deleted files there. */
function fdsInto(dir: string): string[] {
  const out: string[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) out.push(target);
    } catch {
      /* closed meanwhile */
    }
  }
  return out;
}

/** Sends raw bytes on a fresh connection; resolves with what came back when it closed. */
function rawRequest(
  port: number,
  head: string,
  write: (socket: net.Socket) => void,
): Promise<{ answer: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const socket = net.connect({ port, host: '127.0.0.1' });
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ answer, closedAfterMs: Date.now() - t0 }));
    socket.on('connect', () => {
      socket.write(head);
      write(socket);
    });
  });
}

function multipartHead(port: number, boundary: string, length: number): string {
  return (
    `POST /jobs HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
    `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${length}\r\n\r\n`
  );
}

const filePart = (boundary: string, name: string, size: number) =>
  `--${boundary}\r\nContent-Disposition: form-data; name="code_files"; filename="${name}"\r\n` +
  `Content-Type: application/octet-stream\r\n\r\n${'x'.repeat(size)}\r\n`;

/**
 * The red team's findings against the platform around the sandbox, one test each: what a client
 * with only the public API (and no key) could do to take it down, starve it or break a promise.
 * After each, an ordinary job still succeeds.
 */
describeDocker('attacks on the platform itself', () => {
  let server: TestServer;
  let client: Client;
  let redis: Redis;
  beforeAll(async () => {
    // A Redis of its own: its client count and memory are this server's alone.
    server = await startTestServer(
      {
        ...ADMIN,
        MAX_SSE_STREAMS: '40',
        REQUEST_TIMEOUT_SEC: '3',
        MAX_FILE_BYTES: String(1 * MiB),
        MAX_BODY_BYTES: String(24 * MiB),
        MAX_JSON_BODY_BYTES: String(256 * KiB),
        MAX_LOG_BYTES: String(1 * MiB),
        MAX_ARTIFACT_BYTES: String(8 * MiB),
        BOARD_LOG_LINES: '20',
      },
      { ownRedis: true },
    );
    client = new Client(server.url);
    redis = new Redis(server.redisUrl);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.close();
  });
  afterEach(async () => {
    await expectNextJobSucceeds(client);
  });

  const streams = async () =>
    sample(await (await fetch(`${server.url}/metrics`)).text(), 'job_runner_sse_streams');
  const redisClients = async () =>
    ((await redis.client('LIST')) as string).split('\n').filter(Boolean).length;
  const staging = () => path.join(server.dataDir, 'staging');

  it('1. a CPU limit too small to enforce is refused, never run unbounded or as a platform error', async () => {
    // Under gVisor the floor is higher: its own kernel works inside the limit.
    const floor = underGvisor() ? 0.1 : 0.01;
    for (const cpu of [1e-12, 1e-6, 0.0099, ...(underGvisor() ? [0.099] : [])]) {
      const res = await client.sync({ code: 'print(1)', spec: { cpu_limit: cpu } });
      expect([cpu, res.status]).toEqual([cpu, 422]);
      expect(res.body.detail).toContain(`cpu_limit must be at least ${floor}`);
    }
    const { job } = await client.run('print(1)', { cpu_limit: floor });
    expect(job).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('2. log streams whose clients leave at once hold nothing, and streams are capped', async () => {
    const id = await client.submit({
      code: 'import time\nprint("up", flush=True)\ntime.sleep(30)',
      spec: { timeout_sec: 60 },
    });
    await eventually('the job runs', async () => (await client.logs(id)).includes('up'));
    const before = await redisClients();
    // 200 clients that reset the connection the moment the request is out.
    await Promise.all(
      Array.from({ length: 200 }, () =>
        rawRequest(
          server.port,
          `GET /jobs/${id}/logs/stream HTTP/1.1\r\nHost: x\r\n\r\n`,
          (s) => void setImmediate(() => s.resetAndDestroy()),
        ),
      ),
    );
    await eventually('every stream of the leavers freed', async () => (await streams()) === 0);
    expect(await redisClients()).toBe(before);
    // Past MAX_SSE_STREAMS, 503 with Retry-After; once clients leave, room again.
    const held = Array.from({ length: 40 }, () => new AbortController());
    await Promise.all(
      held.map((ac) => fetch(`${server.url}/jobs/${id}/logs/stream`, { signal: ac.signal })),
    );
    const refused = await fetch(`${server.url}/jobs/${id}/logs/stream`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBeTruthy();
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/MAX_SSE_STREAMS/);
    expect(await redisClients()).toBe(before);
    for (const ac of held) ac.abort();
    await eventually('every held stream freed', async () => (await streams()) === 0);
    const again = await fetch(`${server.url}/jobs/${id}/logs/stream`);
    expect(again.status).toBe(200);
    await again.body?.cancel();
    await fetch(`${server.url}/jobs/${id}/cancel`, { method: 'POST' });
  });

  it('3. refused and abandoned uploads leave no open descriptor and no staging file', async () => {
    // Parts over MAX_FILE_BYTES, again and again.
    for (let i = 0; i < 14; i++) {
      const form = new FormData();
      form.append('code_files', new Blob([Buffer.alloc(Math.round(1.5 * MiB), 1)]), 'big.py');
      const res = await client.postForm('/jobs', form);
      expect(res.status).toBe(422);
    }
    // A client that leaves in the middle of a file.
    const boundary = 'jrboundary';
    const part = filePart(boundary, 'half.py', 600 * KiB);
    await rawRequest(server.port, multipartHead(server.port, boundary, part.length + 500), (s) => {
      s.write(part.slice(0, 300 * KiB));
      setTimeout(() => s.resetAndDestroy(), 300);
    });
    await eventually(
      'no descriptor into staging, and staging empty',
      () =>
        Promise.resolve(fdsInto(staging()).length === 0 && fs.readdirSync(staging()).length === 0),
      15_000,
    );
  });

  it('4. artifact collection is bounded by what files hold, and a cancel stops it', async () => {
    // Sparse files that tmpfs charges next to nothing for, 8 MiB each by their size.
    const { job, logs } = await client.run(
      `
import os
out = os.environ["JOB_OUTPUT_DIR"]
for i in range(100):
    with open(os.path.join(out, "f%03d.bin" % i), "wb") as f:
        f.truncate(8 * 1024 * 1024 - 1)
print("made")
`,
      { timeout_sec: 5 },
    );
    expect(job.status).toBe('succeeded');
    expect(job.artifacts).toEqual(['f000.bin']);
    expect(logs).toMatch(/artifact skipped: f001\.bin \(artifacts over 8388608 bytes in all\)/);
    const onDisk = fs.readdirSync(path.join(server.dataDir, 'jobs', job.id, 'output'));
    expect(onDisk).toEqual(['f000.bin']);
  });

  it('5. a request body has a deadline; a long answer does not; JSON bodies stay small', async () => {
    // A client trickling its body is cut off after REQUEST_TIMEOUT_SEC (3 s).
    const trickle = await rawRequest(
      server.port,
      `POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`,
      (s) => {
        const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write(' ')), 500);
        s.on('close', () => clearInterval(t));
      },
    );
    expect(trickle.closedAfterMs).toBeLessThan(15_000);
    expect(trickle.answer).toMatch(/^HTTP\/1\.1 408/);
    // A JSON body over MAX_JSON_BODY_BYTES: 413, pointing at multipart.
    const big = await client.post('/jobs', { code: 'x'.repeat(300 * KiB) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { detail: string }).detail).toMatch(/multipart/);
    // A sync wait and a log stream longer than the request deadline go on to their end.
    const { job } = await client.run('import time\ntime.sleep(5)\nprint("late")');
    expect(job.status).toBe('succeeded');
  });

  it('6. only ids of the API’s own form name a job: BullMQ’s keys are out of reach', async () => {
    const meta = `${keyBase(redis, server.config.queueName)}:meta`;
    const metaBefore = await redis.hgetall(meta);
    for (const id of ['meta', 'jr:workers', 'events', 'id', 'completed', 'wait', 'stalled-check']) {
      for (const [method, p] of [
        ['GET', ''],
        ['GET', '/logs'],
        ['GET', '/logs/stream'],
        ['GET', '/artifacts/x'],
        ['DELETE', ''],
        ['POST', '/cancel'],
      ] as const) {
        const res = await fetch(`${server.url}/jobs/${encodeURIComponent(id)}${p}`, { method });
        expect([method, id, p, res.status]).toEqual([method, id, p, 404]);
      }
    }
    expect(await redis.hgetall(meta)).toEqual(metaBefore);
    expect(await redis.hget(meta, 'data')).toBeNull();
  });

  it('7. what one job leaves in Redis is its log cap plus a small constant; args and env are capped', async () => {
    const args = await client.sync({
      code: 'print(1)',
      spec: { args: Array.from({ length: 100 }, () => 'a'.repeat(1000)) },
    });
    expect(args.status).toBe(422);
    expect(args.body.detail).toMatch(/args must hold at most 65536 bytes/);
    const env = await client.sync({
      code: 'print(1)',
      spec: { env: { A: 'x'.repeat(32768), B: 'y'.repeat(32768) } },
    });
    expect(env.status).toBe(422);
    // 10 MB of output against a 1 MiB log cap and a 20-line board mirror.
    const { job } = await client.run(
      'import sys\nline = "z" * 999 + "\\n"\nfor _ in range(10000):\n    sys.stdout.write(line)',
      { timeout_sec: 60 },
    );
    let bytes = 0;
    for (const key of await redis.keys(`*${job.id}*`))
      bytes += Number(await redis.memory('USAGE', key, 'SAMPLES', 0));
    expect(bytes).toBeGreaterThan(1 * MiB);
    expect(bytes).toBeLessThan(1.25 * MiB + 64 * KiB);
  });

  it('8. artifacts named in any script (or with control characters) are served', async () => {
    const names = ['报告.txt', 'отчёт.csv', 'emoji😀.png', 'tab\there.txt', 'quote"name.txt'];
    const { job } = await client.run(
      `import os, json\nout = os.environ["JOB_OUTPUT_DIR"]\nfor n in json.loads(${JSON.stringify(JSON.stringify(names))}):\n    open(os.path.join(out, n), "w").write("content of " + n)`,
    );
    expect([...job.artifacts].sort()).toEqual([...names].sort());
    for (const name of names) {
      const res = await fetch(`${server.url}/jobs/${job.id}/artifacts/${encodeURIComponent(name)}`);
      expect([name, res.status]).toEqual([name, 200]);
      // A client reading the header (RFC 6266, filename* when it is not Latin-1) gets the name.
      expect(parseDisposition(res.headers.get('content-disposition')!).parameters.filename).toBe(
        name,
      );
      expect(await res.text()).toBe(`content of ${name}`);
    }
    const output = path.join(server.dataDir, 'jobs', job.id, 'output');
    await eventually('no descriptor left on the artifacts', () =>
      Promise.resolve(fdsInto(output).length === 0),
    );
  });

  it('9. secrets are scrubbed from the board whole: multi-line, long, and NUL refused', async () => {
    const pem =
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----';
    const long = 'L'.repeat(5000);
    const { job, logs } = await client.run(
      'import os\nprint(os.environ["PEM"])\nprint("long:", os.environ["LONG"])',
      { env: { PEM: pem, LONG: long } },
    );
    expect(logs).toContain(pem);
    const board = `${server.url}/admin/queues/api/queues/${server.config.queueName}`;
    const rows = (await (
      await fetch(`${board}/${job.id}/logs`, { headers: auth })
    ).json()) as string[];
    const shown = rows.join('\n');
    for (const line of pem.split('\n')) expect(shown).not.toContain(line);
    expect(shown).not.toContain('L'.repeat(50));
    expect(shown).toContain('[redacted]');
    const nul = await client.sync({ code: 'print(1)', spec: { env: { X: 'a\u0000b' } } });
    expect(nul.status).toBe(422);
    expect(nul.body.detail).toMatch(/NUL/);
  });

  it('10. limits that cannot work are refused at submission, not retried as platform errors', async () => {
    const pids = await client.sync({ code: 'print(1)', spec: { pids_limit: 1 } });
    expect(pids.status).toBe(422);
    expect(pids.body.detail).toMatch(/pids_limit must be at least 16/);
    const form = new FormData();
    form.append('spec', JSON.stringify({ mem_limit_mb: 33 }));
    form.append('code_files', new Blob(['print(1)']), 'main.py');
    for (let i = 0; i < 20; i++)
      form.append('input_files', new Blob([Buffer.alloc(1 * MiB - 1, 1)]), `in${i}.bin`);
    const mem = await client.postForm('/jobs', form);
    expect(mem.status).toBe(422);
    expect(((await mem.json()) as { detail: string }).detail).toMatch(
      /mem_limit_mb=33 is too small/,
    );
  });

  it('11. reading a job does not read its log', async () => {
    const { job } = await client.run('for i in range(20000):\n    print("line", i)', {
      timeout_sec: 60,
    });
    const xranges = async () =>
      Number(/cmdstat_xrange:calls=(\d+)/.exec(await redis.info('commandstats'))?.[1] ?? 0);
    const before = await xranges();
    for (let i = 0; i < 20; i++) {
      const body = (await (await fetch(`${server.url}/jobs/${job.id}`)).json()) as {
        log_lines: number;
      };
      expect(body.log_lines).toBe(20000);
    }
    expect(await xranges()).toBe(before);
  });

  it('12. CRLF is one line, a bad Last-Event-ID is named, terminal escapes stay off the board', async () => {
    const { job, logs } = await client.run(
      'import sys\nsys.stdout.write("one\\r\\ntwo\\r\\n")\nprint("\\x1b]0;owned\\x07\\x1b[31mred\\x1b[0m")',
    );
    const sse = await (await fetch(`${server.url}/jobs/${job.id}/logs/stream`)).text();
    const data = sse
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).trim());
    expect(data.slice(0, 2)).toEqual(['one', 'two']);
    // GET /logs gives the bytes as printed (escapes included); the README says so.
    expect(logs).toContain('\x1b[31mred');
    const board = `${server.url}/admin/queues/api/queues/${server.config.queueName}`;
    const rows = (await (
      await fetch(`${board}/${job.id}/logs`, { headers: auth })
    ).json()) as string[];
    expect(rows.join('\n')).not.toContain('\x1b');
    const bad = await fetch(`${server.url}/jobs/${job.id}/logs/stream`, {
      headers: { 'Last-Event-ID': 'nonsense' },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string; fields: string[] }).fields).toEqual([
      'Last-Event-ID',
    ]);
  });

  it('13. a timed-out job keeps what it wrote, and its peak memory', async () => {
    const { job } = await client.run(
      'import os, time\nopen(os.path.join(os.environ["JOB_OUTPUT_DIR"], "partial.txt"), "w").write("checkpoint")\nprint("written", flush=True)\ntime.sleep(60)',
      { timeout_sec: 2 },
    );
    expect(job).toMatchObject({ status: 'failed', error: 'timeout', artifacts: ['partial.txt'] });
    // A cgroup v2 kernel older than 5.19 has no peak to read: null is right there.
    if (peakMemoryKnown()) expect(job.peak_memory_bytes as number).toBeGreaterThan(0);
    else expect(job.peak_memory_bytes).toBeNull();
    const res = await fetch(`${server.url}/jobs/${job.id}/artifacts/partial.txt`);
    expect(await res.text()).toBe('checkpoint');
  });

  it('13b. a job killed for its memory keeps what it wrote before', async () => {
    const { job } = await client.run(
      'import os\nopen(os.path.join(os.environ["JOB_OUTPUT_DIR"], "partial.txt"), "w").write("before the fall")\nprint("written", flush=True)\nhog = []\nwhile True:\n    hog.append(bytearray(16 * 1024 * 1024))',
      { mem_limit_mb: 96 },
    );
    if (underGvisor()) {
      // The host kills gVisor, and the whole sandbox with its files: the log says so.
      expect(job).toMatchObject({ status: 'failed', error: 'oom', artifacts: [] });
      expect(job.attempts).toBe(1);
      expect((await client.logs(job.id)).replace(/\s+/g, ' ')).toMatch(
        /killed whole at its memory limit.*files it wrote are lost/,
      );
      return;
    }
    expect(job).toMatchObject({ status: 'failed', error: 'oom', artifacts: ['partial.txt'] });
    const res = await fetch(`${server.url}/jobs/${job.id}/artifacts/partial.txt`);
    expect(await res.text()).toBe('before the fall');
  });
});

/** Collection with a deadline of its own, and a cancel in the middle of it. */
describeDocker('attacks on artifact collection', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await startTestServer({
      MAX_ARTIFACT_BYTES: String(8 * 1024 * MiB),
      COLLECT_TIMEOUT_SEC: '1',
    });
    client = new Client(server.url);
  });
  afterAll(() => server.close());

  const bigSparse = `
import os
with open(os.path.join(os.environ["JOB_OUTPUT_DIR"], "huge.bin"), "wb") as f:
    f.truncate(6 * 1024 * 1024 * 1024)
print("made", flush=True)
`;

  it('stops a collection past COLLECT_TIMEOUT_SEC, keeps the verdict, serves no half file', async () => {
    const { job, logs } = await client.run(bigSparse, { timeout_sec: 30 });
    expect(job).toMatchObject({ status: 'succeeded', artifacts: [] });
    expect(logs).toMatch(/artifact collection stopped: it took longer than 1 s/);
    const out = path.join(server.dataDir, 'jobs', job.id, 'output');
    expect(fs.readdirSync(out)).toEqual([]);
    await expectNextJobSucceeds(client);
  });
});

describeDocker('a cancel during artifact collection', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await startTestServer({ MAX_ARTIFACT_BYTES: String(16 * 1024 * MiB) });
    client = new Client(server.url);
  });
  afterAll(() => server.close());

  it('ends the job canceled, at once, with no artifact', async () => {
    const id = await client.submit({
      code: 'import os\nwith open(os.path.join(os.environ["JOB_OUTPUT_DIR"], "huge.bin"), "wb") as f:\n    f.truncate(15 * 1024 * 1024 * 1024)\n',
    });
    await eventually(
      'the job collects',
      async () => (await client.job(id)).phase === 'collecting',
      60_000,
      20,
    );
    const res = await fetch(`${server.url}/jobs/${id}/cancel`, { method: 'POST' });
    expect(res.status).toBe(200);
    const job = await client.waitEnded(id, 30_000);
    expect(job).toMatchObject({ status: 'canceled', artifacts: [] });
    expect(fs.readdirSync(path.join(server.dataDir, 'jobs', id, 'output'))).toEqual([]);
    await expectNextJobSucceeds(client);
  });
});
