import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { keyBase } from '@job-runner/jobs';
import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { basic, dumpRedis } from '../helpers/operator';
import { TempImage } from '../helpers/temp-image';
import { startTestServer, type TestServer } from '../helpers/test-server';

const ADMIN = { ADMIN_USER: 'ops', ADMIN_PASSWORD: 'board-password-1' };
const auth = { authorization: basic('ops', 'board-password-1') };
const SECRET = 'sk-live-0123456789abcdef';

interface BoardJob {
  job: {
    data: { spec: { env: Record<string, string> }; files: Record<string, unknown[]> };
    progress: { phase?: string };
    failedReason?: string;
  };
  status: string;
}

describe('the admin board without credentials', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ INLINE_WORKER: '0' });
  });
  afterAll(() => server.close());

  it('is not mounted at all', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const res = await fetch(server.url + path, { headers: auth });
      expect(res.status).toBe(404);
    }
  });
});

describeDocker('the admin board, read-only (the default)', () => {
  let server: TestServer;
  let client: Client;
  let board: string;
  let redis: Redis;
  beforeAll(async () => {
    server = await startTestServer({ ...ADMIN, BOARD_LOG_LINES: '5' });
    client = new Client(server.url);
    board = `${server.url}/admin/queues/api/queues/${server.config.queueName}`;
    redis = new Redis(server.redisUrl);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.close();
  });

  it('asks for credentials and refuses wrong ones', async () => {
    const none = await fetch(`${server.url}/admin/queues/api/queues`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic /);
    const wrong = await fetch(`${server.url}/admin/queues/api/queues`, {
      headers: { authorization: basic('ops', 'nope') },
    });
    expect(wrong.status).toBe(401);
    const ui = await fetch(`${server.url}/admin/queues`, { headers: auth });
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('<base href="/admin/queues/"');
    const list = (await (
      await fetch(`${server.url}/admin/queues/api/queues`, { headers: auth })
    ).json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    // The jobs, and the deliveries of their job-end callbacks (each attempt is visible there).
    expect(list.queues.map((q) => q.name)).toEqual([
      server.config.queueName,
      `${server.config.queueName}-callbacks`,
    ]);
    expect(list.queues.map((q) => q.readOnlyMode)).toEqual([true, true]);
  });

  it('shows env names but never their values, and files by name and size only', async () => {
    const code = `import os\nfor i in range(20): print("line", i)\nprint("key is", os.environ["API_TOKEN"])`;
    const { job, logs } = await client.run(
      code,
      { env: { API_TOKEN: SECRET, MODE: 'test' } },
      { input_files: { 'data.csv': 'a,b\n1,2\n' } },
    );
    expect(job.status).toBe('succeeded');
    // The program itself got the value.
    expect(logs).toContain(`key is ${SECRET}`);
    // The contract's view keeps the names.
    expect(Object.keys((job.spec as { env: object }).env).sort()).toEqual(['API_TOKEN', 'MODE']);
    expect(JSON.stringify(job)).not.toContain(SECRET);

    const res = await fetch(`${board}/${job.id}`, { headers: auth });
    expect(res.status).toBe(200);
    const raw = await res.text();
    expect(raw).not.toContain(SECRET);
    const shown = JSON.parse(raw) as BoardJob;
    expect(shown.job.data.spec.env).toEqual({ API_TOKEN: '[redacted]', MODE: '[redacted]' });
    expect(shown.job.data.files).toEqual({
      code: [{ name: 'main.py', size: Buffer.byteLength(code) }],
      input: [{ name: 'data.csv', size: 8 }],
    });
    expect(shown.job.progress.phase).toBe('finished');

    // Not in Redis at all: BullMQ's own hash of the job holds no value.
    const hash = await redis.hgetall(`${keyBase(redis, server.config.queueName)}:${job.id}`);
    expect(JSON.stringify(hash)).not.toContain(SECRET);

    // The Logs tab: the last BOARD_LOG_LINES lines, the secret scrubbed.
    const logRes = await fetch(`${board}/${job.id}/logs`, { headers: auth });
    const rows = (await logRes.json()) as string[];
    expect(rows).toEqual(['line 16', 'line 17', 'line 18', 'line 19', 'key is [redacted]']);
  });

  it('leaves no env value in any key of the queue or any log; the values file is 0600', async () => {
    // A value of its own: another test's program printed its secret into its own log.
    const secret = 'sk-live-never-printed-4d2a9c';
    const { job, logs } = await client.run('import os\nprint(len(os.environ["API_TOKEN"]))', {
      env: { API_TOKEN: secret },
    });
    expect(logs).toBe(`${secret.length}\n`);
    const dump = await dumpRedis(redis, `${keyBase(redis, server.config.queueName)}:*`);
    expect(dump).toContain(job.id);
    expect(dump).toContain(`:logs:${job.id}`);
    expect(dump).not.toContain(secret);
    const file = path.join(server.dataDir, 'jobs', job.id, 'env.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('scrubs env values from a platform failure, end to end (view, board, log, Redis)', async () => {
    // A runtime whose image name is also a secret value of the job, and goes missing.
    const image = new TempImage();
    const other = await startTestServer({
      ...ADMIN,
      RUNTIMES: `doomed=${image.name}`,
      JOB_ATTEMPTS: '1',
      // Every job makes its sandbox: a pooled one, made before, would not miss the image.
      SANDBOX_POOL_SIZE: '0',
    });
    try {
      image.remove();
      const c = new Client(other.url);
      const { job, logs } = await c.run('print(1)', {
        runtime: 'doomed',
        env: { LEAKY: image.name },
      });
      expect(job.error).toBe(
        'platform error: sandbox image [redacted] is missing (build it with npm run build:exec-image)',
      );
      expect(logs).toContain('[redacted]');
      const q = `${other.config.queueName}`;
      const boardJob = await (
        await fetch(`${other.url}/admin/queues/api/queues/${q}/${job.id}`, { headers: auth })
      ).text();
      expect(boardJob).toContain('[redacted]');
      for (const text of [
        JSON.stringify(job),
        logs,
        boardJob,
        await dumpRedis(redis, `${keyBase(redis, q)}:*`),
      ])
        expect(text).not.toContain(image.name);
    } finally {
      await other.close();
      image.dispose();
    }
  });

  it('refuses retry and clean through its own API, and the job stays as it was', async () => {
    const { job } = await client.run('import sys\nsys.exit(3)');
    expect(job.status).toBe('failed');
    const retry = await fetch(`${board}/${job.id}/retry`, { method: 'PUT', headers: auth });
    expect(retry.status).toBe(405);
    const cleanOne = await fetch(`${board}/${job.id}/clean`, { method: 'PUT', headers: auth });
    expect(cleanOne.status).toBe(405);
    const cleanAll = await fetch(`${board}/clean/failed`, { method: 'PUT', headers: auth });
    expect(cleanAll.status).toBe(405);
    const add = await fetch(`${board}/add`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'run', data: {} }),
    });
    expect(add.status).toBe(405);
    const after = await client.job(job.id);
    expect(after).toMatchObject({ status: 'failed', exit_code: 3, attempts: 1 });
  });
});

describeDocker('the admin board with ADMIN_READ_ONLY=0', () => {
  let server: TestServer;
  let client: Client;
  let board: string;
  beforeAll(async () => {
    server = await startTestServer({ ...ADMIN, ADMIN_READ_ONLY: '0' });
    client = new Client(server.url);
    board = `${server.url}/admin/queues/api/queues/${server.config.queueName}`;
  });
  afterAll(() => server.close());

  it('retries a failed job: the program runs again, with its env read from disk again', async () => {
    const code = 'import os, sys\nprint("run", os.environ["TOKEN"])\nsys.exit(1)';
    const { job } = await client.run(code, { env: { TOKEN: 'again-and-again' } });
    expect(job.status).toBe('failed');
    const res = await fetch(`${board}/${job.id}/retry`, { method: 'PUT', headers: auth });
    expect(res.status).toBe(204);
    const logs = await eventually('the second run', async () => {
      const text = await client.logs(job.id);
      return text.split('run again-and-again').length === 3 ? text : undefined;
    });
    expect(logs).toMatch(/^run again-and-again\n[^]*run again-and-again\n$/);
    const shown = (await (await fetch(`${board}/${job.id}`, { headers: auth })).json()) as BoardJob;
    expect(JSON.stringify(shown)).not.toContain('again-and-again"');
    expect(shown.job.data.spec.env).toEqual({ TOKEN: '[redacted]' });
  });

  it('cleans a completed job', async () => {
    const { job } = await client.run('print(1)');
    const res = await fetch(`${board}/${job.id}/clean`, { method: 'PUT', headers: auth });
    expect(res.status).toBe(204);
    const gone = await fetch(`${server.url}/jobs/${job.id}`);
    expect(gone.status).toBe(404);
  });
});
