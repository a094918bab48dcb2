import fs from 'node:fs';
import path from 'node:path';
import { Client } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/test-server';

/** Bad requests: each gets a clear error naming the field, creates no job, leaves no file. */
describe('submission errors', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    // No worker: these tests only look at what the API accepts and stores.
    server = await startTestServer({
      INLINE_WORKER: '0',
      MAX_TIMEOUT_SEC: '300',
      MAX_FILES: '3',
      MAX_FILE_BYTES: '1000',
    });
    client = new Client(server.url);
  });
  afterAll(() => server.close());

  const jobCount = () =>
    server.jobs.queue.getJobCounts().then((c) => Object.values(c).reduce((a, b) => a + b, 0));
  const leftovers = () =>
    ['jobs', 'staging'].flatMap((d) =>
      fs.readdirSync(path.join(server.dataDir, d)).map((f) => `${d}/${f}`),
    );

  let jobsBefore = 0;
  let filesBefore: string[] = [];
  beforeEach(async () => {
    jobsBefore = await jobCount();
    filesBefore = leftovers();
  });
  afterEach(async () => {
    expect(await jobCount()).toBe(jobsBefore);
    expect(leftovers()).toEqual(filesBefore);
  });

  it('answers 400 to a multipart spec that is not JSON', async () => {
    const form = new FormData();
    form.append('code_files', new Blob(['print(1)']), 'main.py');
    form.append('spec', '{not json');
    const res = await client.postForm('/jobs', form);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/spec/);
  });

  it('answers 400 to a JSON body that is not JSON', async () => {
    const res = await fetch(`${server.url}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"spec": ',
    });
    expect(res.status).toBe(400);
  });

  it.each([
    ['timeout_sec', 0],
    ['timeout_sec', 601],
    ['timeout_sec', 1.5],
    ['timeout_sec', 'soon'],
    ['cpu_limit', 0],
    ['cpu_limit', -1],
    ['mem_limit_mb', 32],
    ['mem_limit_mb', 'lots'],
    ['pids_limit', 0],
    ['net_policy', 'everything'],
    ['args', 'not-a-list'],
    ['args', [1, 2]],
    ['env', { 'BAD-NAME': 'x' }],
    ['env', { GOOD: 1 }],
    ['entry', '../main.py'],
    ['runtime', 'cobol'],
  ])('answers 422 naming %s when it is %j', async (field, value) => {
    const res = await client.post('/jobs', { spec: { [field]: value }, code: 'print(1)' });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { detail: string; fields: string[] };
    expect(body.detail).toContain(field);
    expect(body.fields.some((f) => f.startsWith(`spec.${field}`))).toBe(true);
  });

  it('names the operator cap in a 422 over it', async () => {
    const res = await client.post('/jobs', { spec: { timeout_sec: 400 }, code: 'print(1)' });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { detail: string }).detail).toMatch(
      /timeout_sec must be at most 300.*MAX_TIMEOUT_SEC/,
    );
  });

  it('lists the known runtimes when the runtime is unknown', async () => {
    const res = await client.post('/jobs', { spec: { runtime: 'ruby' }, code: 'print(1)' });
    expect(((await res.json()) as { detail: string }).detail).toContain('python');
  });

  it('refuses too many files, and files over the size cap, with 422', async () => {
    const many = await client.post('/jobs', {
      code_files: { 'a.py': '', 'b.py': '', 'c.py': '', 'd.py': '' },
    });
    expect(many.status).toBe(422);
    expect(((await many.json()) as { detail: string }).detail).toMatch(/too many files/);

    const form = new FormData();
    form.append('code_files', new Blob(['x'.repeat(2000)]), 'big.py');
    const big = await client.postForm('/jobs', form);
    expect(big.status).toBe(422);
    expect(((await big.json()) as { detail: string }).detail).toMatch(/big\.py.*larger/);
  });

  it('refuses names with nothing safe left in them, and duplicates', async () => {
    const form = new FormData();
    form.append('code_files', new Blob(['print(1)']), '..');
    expect((await client.postForm('/jobs', form)).status).toBe(400);
    const dup = await client.post('/jobs', {
      code: 'print(1)',
      code_files: { 'main.py': 'print(2)' },
    });
    expect(dup.status).toBe(422);
  });

  it('answers 413 to a body over the cap', async () => {
    const small = await startTestServer({
      INLINE_WORKER: '0',
      MAX_BODY_BYTES: '2048',
      MAX_JSON_BODY_BYTES: '2048',
    });
    try {
      const res = await fetch(`${small.url}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'x'.repeat(5000) }),
      });
      expect(res.status).toBe(413);
      const form = new FormData();
      form.append('code_files', new Blob(['y'.repeat(5000)]), 'main.py');
      expect((await new Client(small.url).postForm('/jobs', form)).status).toBe(413);
    } finally {
      await small.close();
    }
  });

  it('answers 415 to a body of another type', async () => {
    const res = await fetch(`${server.url}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'print(1)',
    });
    expect(res.status).toBe(415);
  });

  it('answers 404 for unknown ids on every job route', async () => {
    for (const p of ['', '/logs', '/logs/stream', '/artifacts/x.txt']) {
      const res = await fetch(`${server.url}/jobs/no-such-job${p}`);
      expect([p, res.status]).toEqual([p, 404]);
      expect(res.headers.get('content-type')).toMatch(/json/);
    }
  });
});

describe('file names of multipart uploads', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ INLINE_WORKER: '0' });
  });
  afterAll(() => server.close());

  it('keeps only the base name of a traversal name, inside the job directory', async () => {
    const form = new FormData();
    form.append('code_files', new Blob(['print(1)']), '../../evil.py');
    form.append('input_files', new Blob(['data']), '/etc/passwd');
    const res = await new Client(server.url).postForm('/jobs', form);
    expect(res.status).toBe(200);
    const { job_id } = (await res.json()) as { job_id: string };
    const dir = path.join(server.dataDir, 'jobs', job_id);
    expect(fs.readdirSync(path.join(dir, 'code'))).toEqual(['evil.py']);
    expect(fs.readdirSync(path.join(dir, 'input'))).toEqual(['passwd']);
    expect(fs.existsSync(path.join(server.dataDir, 'evil.py'))).toBe(false);
  });
});
