import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/test-server';

const KEY_A = 'key-a-0123456789abcdef';
const KEY_B = 'key-b-0123456789abcdef';
const body = JSON.stringify({ code: 'print(1)' });
const json = { 'content-type': 'application/json' };

describe('API keys', () => {
  let server: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    // Two API processes of one deployment: same queue, same Redis, no worker.
    const env = {
      API_KEYS: `${KEY_A},${KEY_B}`,
      API_RATE_LIMIT: '4',
      API_RATE_WINDOW_SEC: '600',
      INLINE_WORKER: '0',
      QUEUE_NAME: `keys-${randomUUID().slice(0, 8)}`,
    };
    server = await startTestServer(env);
    second = await startTestServer(env);
  });
  afterAll(async () => {
    await server.close();
    await second.close();
  });

  it('refuses /jobs without a key or with a wrong one, before reading the body', async () => {
    const none = await fetch(`${server.url}/jobs`, { method: 'POST', headers: json, body });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await none.json()) as { detail: string }).detail).toMatch(/API key is required/);
    const wrong = await fetch(`${server.url}/jobs/anything`, {
      headers: { authorization: 'Bearer not-a-key-of-ours-at-all' },
    });
    expect(wrong.status).toBe(401);
    expect(fs.readdirSync(path.join(server.dataDir, 'jobs'))).toEqual([]);
    expect(fs.readdirSync(path.join(server.dataDir, 'staging'))).toEqual([]);
  });

  it('leaves health, readiness, metrics and the API description open', async () => {
    for (const p of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs'])
      expect([p, (await fetch(server.url + p)).status]).toEqual([p, 200]);
  });

  it('accepts Bearer and X-API-Key, and limits each key on its own across API processes', async () => {
    const submit = (s: TestServer, headers: Record<string, string>) =>
      fetch(`${s.url}/jobs`, { method: 'POST', headers: { ...json, ...headers }, body });
    // Four requests for key A, spread over both processes: all pass.
    const a1 = await submit(server, { authorization: `Bearer ${KEY_A}` });
    expect(a1.status).toBe(200);
    expect(a1.headers.get('ratelimit-remaining')).toBe('3');
    const { job_id } = (await a1.json()) as { job_id: string };
    expect((await submit(second, { 'x-api-key': KEY_A })).status).toBe(200);
    const read = await fetch(`${second.url}/jobs/${job_id}`, { headers: { 'x-api-key': KEY_A } });
    expect(read.status).toBe(200);
    expect((await submit(server, { 'x-api-key': KEY_A })).status).toBe(200);
    // The fifth, on either process, is over the limit.
    const over = await submit(second, { authorization: `Bearer ${KEY_A}` });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await over.json()) as { detail: string }).detail).toMatch(/rate limit of 4/);
    // Key B has its own budget.
    expect((await submit(server, { authorization: `Bearer ${KEY_B}` })).status).toBe(200);
    // Three jobs queued for A and one for B; the refused one queued nothing.
    const counts = await server.jobs.queue.getJobCounts('waiting');
    expect(counts.waiting).toBe(4);
  });
});

describe('MAX_QUEUE_SIZE', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      MAX_QUEUE_SIZE: '2',
      QUEUE_FULL_RETRY_AFTER_SEC: '7',
      INLINE_WORKER: '0',
    });
  });
  afterAll(() => server.close());

  it('answers 503 with Retry-After past the cap, and queues nothing', async () => {
    const post = (p: string) => fetch(server.url + p, { method: 'POST', headers: json, body });
    expect((await post('/jobs')).status).toBe(200);
    expect((await post('/jobs')).status).toBe(200);
    for (const p of ['/jobs', '/jobs/sync']) {
      const full = await post(p);
      expect(full.status).toBe(503);
      expect(full.headers.get('retry-after')).toBe('7');
      expect(await full.json()).toMatchObject({
        detail: expect.stringMatching(/queue is full \(2 jobs waiting, MAX_QUEUE_SIZE=2\)/),
        queued: 2,
        max_queue_size: 2,
      });
    }
    expect((await server.jobs.queue.getJobCounts('waiting')).waiting).toBe(2);
    expect(fs.readdirSync(path.join(server.dataDir, 'jobs'))).toHaveLength(2);
    expect(fs.readdirSync(path.join(server.dataDir, 'staging'))).toEqual([]);
    // Reading is never refused.
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
  });
});
