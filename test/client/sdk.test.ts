import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  JobRunnerClient,
  JobRunnerConnectionError,
  JobRunnerHttpError,
  type StatusUpdate,
} from '@job-runner/client';
import { describeDocker } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { freePort } from '../helpers/free-port';
import { startTestServer, type TestServer } from '../helpers/test-server';

/** Rejects with what `promise` rejected with; fails if it resolved. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

const SLEEPER = 'import time\nprint("sleeping", flush=True)\ntime.sleep(60)';

/**
 * A body that delivers its first `events` whole SSE events and the start of the next one (its
 * id and half a field), then fails the way a dropped connection does in fetch.
 */
function cutMidEvent(body: ReadableStream<Uint8Array>, events: number): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        text += decoder.decode(value, { stream: true });
        const blocks = text.split('\n\n');
        if (blocks.length <= events + 1) continue; // the event after them is not whole yet
        const whole = blocks.slice(0, events).join('\n\n') + '\n\n';
        const next = blocks[events];
        controller.enqueue(
          new TextEncoder().encode(whole + next.slice(0, next.indexOf('\ndata') + 5)),
        );
        await reader.cancel();
        return controller.error(new TypeError('terminated'));
      }
    },
  });
}

describeDocker('the SDK', () => {
  let server: TestServer;
  let client: JobRunnerClient;
  const dirs: string[] = [];
  const tempDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'jr-sdk-'));
    dirs.push(d);
    return d;
  };
  beforeAll(async () => {
    // One job at a time: a second one stays queued, for list() to show its queue position.
    server = await startTestServer({ WORKER_CONCURRENCY: '1' });
    client = new JobRunnerClient({ url: server.url });
  });
  afterAll(async () => {
    await server?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('run(): live lines in order, the result, and the artifacts saved with their bytes', async () => {
    const input = Uint8Array.from({ length: 1024 }, (_, i) => (i * 7) % 256);
    const code = `
import os, sys
from helpers import twice
for i in range(5):
    print(f"line {i}", flush=True)
print("to stderr", file=sys.stderr, flush=True)
data = open(os.path.join(os.environ["JOB_INPUT_DIR"], "data.bin"), "rb").read()
out = os.environ["JOB_OUTPUT_DIR"]
with open(os.path.join(out, "result.bin"), "wb") as f:
    f.write(bytes(reversed(data)))
os.makedirs(os.path.join(out, "sub"))
with open(os.path.join(out, "sub", "notes.txt"), "w") as f:
    f.write(f"twice={twice(21)}\\n")
`;
    const lines: string[] = [];
    const updates: StatusUpdate[] = [];
    const submitted: string[] = [];
    const result = await client.run(
      {
        codeFiles: { 'main.py': code, 'helpers.py': 'def twice(x):\n    return 2 * x\n' },
        inputFiles: { 'data.bin': input },
        spec: { timeout_sec: 30 },
      },
      {
        onSubmitted: (job) => submitted.push(job.id),
        onOutput: (line) => lines.push(line),
        onStatus: (u) => updates.push(u),
        statusIntervalMs: 100,
      },
    );

    expect(result).toMatchObject({ status: 'succeeded', exitCode: 0, error: null });
    expect(result.job).toMatchObject({ id: submitted[0], status: 'succeeded', phase: 'finished' });
    expect(result.job.finished_at).not.toBeNull();
    expect(lines.filter((l) => l.startsWith('line '))).toEqual(
      [0, 1, 2, 3, 4].map((i) => `line ${i}`),
    );
    expect(lines).toContain('to stderr');
    // The live lines are the log, once each, in its order.
    expect(`${lines.join('\n')}\n`).toBe(result.logs);
    expect([...result.artifacts].sort()).toEqual(['result.bin', 'sub/notes.txt']);
    expect(updates[0]).toMatchObject({ status: 'queued', phase: 'queued' });
    expect(updates.at(-1)).toMatchObject({ status: 'succeeded', phase: 'finished' });

    const dir = tempDir();
    const saved = await result.saveArtifacts(dir);
    expect(saved.sort()).toEqual([
      path.join(dir, 'result.bin'),
      path.join(dir, 'sub', 'notes.txt'),
    ]);
    expect(new Uint8Array(fs.readFileSync(path.join(dir, 'result.bin')))).toEqual(
      input.slice().reverse(),
    );
    expect(fs.readFileSync(path.join(dir, 'sub', 'notes.txt'), 'utf8')).toBe('twice=42\n');
    // Nothing but the artifacts: no temporary file left behind.
    expect(fs.readdirSync(dir).sort()).toEqual(['result.bin', 'sub']);
    expect(await client.artifact(result.job.id, 'sub/notes.txt')).toEqual(
      new TextEncoder().encode('twice=42\n'),
    );
    const again = tempDir();
    await client.downloadArtifacts(result.job.id, again);
    expect(fs.readFileSync(path.join(again, 'result.bin'))).toEqual(
      fs.readFileSync(path.join(dir, 'result.bin')),
    );
  });

  it('resumes a dropped stream with Last-Event-ID: no line lost or repeated', async () => {
    const streamRequests: (string | null)[] = [];
    let cuts = 0;
    const cutting: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const url = input instanceof Request ? input.url : input.toString();
      if (!url.includes('/logs/stream')) return res;
      streamRequests.push(new Headers(init?.headers).get('last-event-id'));
      if (cuts++ > 0) return res;
      return new Response(cutMidEvent(res.body!, 5), { status: res.status, headers: res.headers });
    };
    const dropping = new JobRunnerClient({ url: server.url, fetch: cutting });
    const lines: string[] = [];
    const ids: string[] = [];
    const result = await dropping.run(
      'import time\nfor i in range(40):\n    print(f"n{i}", flush=True)\n    time.sleep(0.05)',
      {
        onOutput: (line, id) => {
          lines.push(line);
          ids.push(id);
        },
      },
    );
    expect(result.status).toBe('succeeded');
    expect(lines).toEqual(Array.from({ length: 40 }, (_, i) => `n${i}`));
    expect(new Set(ids).size).toBe(40);
    // The first connection was cut inside the 6th event; the second went on after the 5th.
    expect(streamRequests.slice(0, 2)).toEqual([null, ids[4]]);

    // stream() from a given line: the lines after it, then the verdict.
    const events = [];
    for await (const ev of client.stream(result.job.id, { lastEventId: ids[37] })) events.push(ev);
    expect(events).toEqual([
      { type: 'line', id: ids[38], line: 'n38' },
      { type: 'line', id: ids[39], line: 'n39' },
      { type: 'end', status: 'succeeded', exitCode: 0, error: null },
    ]);
  });

  it('sends large or binary files as multipart when asked, to the same effect', async () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => 255 - (i % 256));
    const result = await client.run(
      {
        code: 'import os\nb = open(os.environ["JOB_INPUT_DIR"] + "/b.bin", "rb").read()\nprint(len(b), b[0], b[-1])',
        inputFiles: { 'b.bin': bytes },
      },
      { bodyForm: 'multipart' },
    );
    expect(result.logs).toBe(`300 255 ${bytes[299]}\n`);
  });

  it('turns refusals into JobRunnerHttpError with status, code, detail and fields', async () => {
    const refused = await rejection(
      client.submit({ code: 'print(1)', spec: { timeout_sec: 100_000 } }),
    );
    expect(refused).toBeInstanceOf(JobRunnerHttpError);
    expect(refused).toMatchObject({
      status: 422,
      code: 'INVALID_INPUT',
      fields: ['spec.timeout_sec'],
    });
    expect((refused as JobRunnerHttpError).detail).toMatch(/timeout_sec/);

    const noCode = await rejection(client.submit({ inputFiles: { 'a.csv': 'x' } }));
    expect(noCode).toMatchObject({ status: 422, code: 'INVALID_INPUT' });
    expect((noCode as JobRunnerHttpError).fields).toContain('code');

    expect(await rejection(client.get(randomUUID()))).toMatchObject({
      status: 404,
      code: 'JOB_NOT_FOUND',
    });

    const nobody = new JobRunnerClient({ url: `http://127.0.0.1:${await freePort()}` });
    const away = await rejection(nobody.get(randomUUID()));
    expect(away).toBeInstanceOf(JobRunnerConnectionError);
    expect((away as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('with API_KEYS, is refused without the key and served with it', async () => {
    const keyed = await startTestServer({
      API_KEYS: 'sdk-test-key-0123456789',
      SANDBOX_POOL_SIZE: '0',
    });
    try {
      const refused = await rejection(new JobRunnerClient({ url: keyed.url }).submit('print(1)'));
      expect(refused).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
      const wrong = new JobRunnerClient({ url: keyed.url, apiKey: 'not-it' });
      expect(await rejection(wrong.get(randomUUID()))).toMatchObject({ status: 401 });

      const withKey = new JobRunnerClient({ url: keyed.url, apiKey: 'sdk-test-key-0123456789' });
      const lines: string[] = [];
      const result = await withKey.run('print("with the key")', { onOutput: (l) => lines.push(l) });
      expect(result).toMatchObject({ status: 'succeeded', logs: 'with the key\n' });
      expect(lines).toEqual(['with the key']);
    } finally {
      await keyed.close();
    }
  });

  it('get(), cancel() and wait(): a running job canceled, a second cancel refused', async () => {
    const { id, job } = await client.submit(SLEEPER);
    expect(job).toMatchObject({ id, status: 'queued' });
    await eventually('the job runs', async () => (await client.get(id)).status === 'running');
    for await (const ev of client.stream(id)) {
      expect(ev).toMatchObject({ type: 'line', line: 'sleeping' });
      break; // leaving the loop closes the connection
    }
    const canceled = await client.cancel(id);
    expect(canceled).toMatchObject({ id, status: 'canceled', error: 'canceled' });
    expect(await client.wait(id)).toMatchObject({ status: 'canceled' });
    const again = await rejection(client.cancel(id));
    expect(again).toMatchObject({ status: 409, code: 'JOB_ALREADY_ENDED' });
    expect(await client.logs(id)).toContain('sleeping\n');
  });

  it('list(): newest first, by status, a page at a time; queued jobs with their position', async () => {
    const running = await client.submit(SLEEPER);
    await eventually(
      'the first job runs',
      async () => (await client.get(running.id)).status === 'running',
    );
    const queued = await client.submit(SLEEPER); // one worker slot: it waits
    try {
      const first = await client.list({ limit: 1 });
      expect(first.jobs.map((j) => j.id)).toEqual([queued.id]);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await client.list({ limit: 1, cursor: first.nextCursor! });
      expect(second.jobs.map((j) => j.id)).toEqual([running.id]);

      const waiting = await client.list({ status: 'queued' });
      expect(waiting.jobs.map((j) => j.id)).toEqual([queued.id]);
      expect(waiting.jobs[0].queue_position).toEqual(expect.any(Number));
      const runningNow = await client.list({ status: 'running' });
      expect(runningNow.jobs.map((j) => j.id)).toEqual([running.id]);

      const all = await client.list({ limit: 100 });
      const created = all.jobs.map((j) => Date.parse(j.created_at!));
      expect(created).toEqual([...created].sort((a, b) => b - a));
      expect(all.jobs.every((j) => j.status && j.spec)).toBe(true);
    } finally {
      await client.cancel(queued.id).catch(() => undefined);
      await client.cancel(running.id).catch(() => undefined);
    }
  });
});
