import { AppProcess } from '../helpers/worker-process';
import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { freePort } from '../helpers/free-port';
import { startTestServer, type TestServer } from '../helpers/test-server';

interface ErrorBody {
  detail: string;
  code: string;
  fields: string[];
}

/** What a new user trips over first: misspelt fields, shapes that differ, a silent end event. */
describe('strict input: what is not understood is refused by name', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await startTestServer({ INLINE_WORKER: '0' });
    client = new Client(server.url);
  });
  afterAll(() => server.close());

  const jobCount = () =>
    server.jobs.queue.getJobCounts().then((c) => Object.values(c).reduce((a, b) => a + b, 0));

  it.each([
    [
      { spec: { timeout: 1 }, code: 'print(1)' },
      ['spec.timeout'],
      /"timeout" is not a known field \(did you mean timeout_sec\?\)/,
    ],
    [
      { spec: { mem_limit: 64 }, code: 'print(1)' },
      ['spec.mem_limit'],
      /did you mean mem_limit_mb\?/,
    ],
    [{ cod: 'print(1)' }, ['cod'], /"cod" is not a known field \(did you mean code\?\)/],
    [
      { code: 'print(1)', inputs: {} },
      ['inputs'],
      /"inputs" is not a known field \(did you mean input_files\?\)/,
    ],
    [{}, ['code', 'code_files'], /no code/],
    [{ spec: { timeout_sec: 5 } }, ['code', 'code_files'], /no code/],
  ])('refuses %j with a 422 naming %j, and queues nothing', async (body, fields, detail) => {
    const before = await jobCount();
    const res = await client.post('/jobs', body);
    expect(res.status).toBe(422);
    const err = (await res.json()) as ErrorBody;
    expect(err).toMatchObject({ code: 'INVALID_INPUT', fields });
    expect(err.detail).toMatch(detail);
    expect(await jobCount()).toBe(before);
  });

  it('refuses an unknown multipart field by name, and one with no code file', async () => {
    const form = new FormData();
    form.append('code_file', new Blob(['print(1)']), 'main.py');
    const res = await client.postForm('/jobs', form);
    expect(res.status).toBe(422);
    const err = (await res.json()) as ErrorBody;
    expect(err.detail).toMatch(
      /form field "code_file" is not a known field \(did you mean code_files\?\)/,
    );
    expect(err.fields).toContain('code_file');

    const text = new FormData();
    text.append('code_files', 'print(1)');
    const notFile = await client.postForm('/jobs', text);
    expect(notFile.status).toBe(422);
    expect(((await notFile.json()) as ErrorBody).detail).toMatch(
      /code_files must be a file part \(curl: -F code_files=@main\.py\)/,
    );

    const empty = new FormData();
    empty.append('spec', '{}');
    const none = await client.postForm('/jobs', empty);
    expect(none.status).toBe(422);
    expect(((await none.json()) as ErrorBody).detail).toMatch(/no code/);
  });

  it('answers every error in one shape: detail, code, fields', async () => {
    const answers = [
      await fetch(`${server.url}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"spec": ',
      }),
      await fetch(`${server.url}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'print(1)',
      }),
      await client.post('/jobs', { spec: { timeout_sec: 0 }, code: 'print(1)' }),
      await client.get('/jobs/0b5c2f3e-1111-4222-8333-944455556666'),
      await client.get('/no/such/route'),
    ];
    expect(answers.map((r) => r.status)).toEqual([400, 415, 422, 404, 404]);
    for (const res of answers) {
      const body = (await res.json()) as ErrorBody;
      expect(Object.keys(body).sort()).toEqual(
        expect.arrayContaining(['code', 'detail', 'fields']),
      );
      expect(typeof body.detail).toBe('string');
      expect(body.code).toMatch(/^[A-Z_]+$/);
      expect(Array.isArray(body.fields)).toBe(true);
      expect(body).not.toHaveProperty('field');
    }
  });
});

describeDocker(
  'one shape for every answer about a job, and an end event that tells the verdict',
  () => {
    let server: TestServer;
    let client: Client;
    beforeAll(async () => {
      server = await startTestServer();
      client = new Client(server.url);
    });
    afterAll(() => server.close());

    const envelope = (body: Record<string, unknown>) => {
      const job = body.job as { id: string; status: string };
      expect(body.job_id).toBe(job.id);
      expect(body.status).toBe(job.status);
      return job;
    };

    it('gives job_id, status and job on submit, read, sync and cancel', async () => {
      const submitted = (await (await client.post('/jobs', { code: 'print(1)' })).json()) as Record<
        string,
        unknown
      >;
      expect(envelope(submitted).status).toBe('queued');
      const read = (await (await client.get(`/jobs/${String(submitted.job_id)}`)).json()) as Record<
        string,
        unknown
      >;
      envelope(read);
      expect(read).toHaveProperty('log_lines');

      const { body: sync } = await client.sync({ code: 'print("hi")' });
      expect(envelope(sync as unknown as Record<string, unknown>).status).toBe('succeeded');
      expect(sync.logs).toBe('hi\n');

      const sleeper = await client.submit({
        code: 'import time\ntime.sleep(60)',
        spec: { timeout_sec: 90 },
      });
      await client.waitStatus(sleeper, 'running');
      const canceled = (await (await client.post(`/jobs/${sleeper}/cancel`, {})).json()) as Record<
        string,
        unknown
      >;
      expect(envelope(canceled).status).toBe('canceled');
    });

    it('puts the final status, exit code and error in the SSE end event', async () => {
      const id = await client.submit({ code: 'import sys\nprint("bye")\nsys.exit(3)' });
      const text = await (await client.get(`/jobs/${id}/logs/stream`)).text();
      const end = text
        .trimEnd()
        .split(/\r?\n\r?\n/)
        .pop()!;
      expect(end).toMatch(/^event: end\r?\ndata: /);
      const data = JSON.parse(end.replace(/^event: end\r?\ndata: /, '')) as Record<string, unknown>;
      expect(data).toMatchObject({ status: 'failed', exit_code: 3, error: 'non-zero exit' });
    });
  },
);

describe('the start log', () => {
  it('says the address it listens on, a URL to reach it and which Redis it uses', async () => {
    const server = await startTestServer({ INLINE_WORKER: '0' });
    const port = await freePort();
    const api = new AppProcess(
      'api',
      {
        REDIS_URL: server.config.redisUrl,
        QUEUE_NAME: server.config.queueName,
        JOB_DATA_DIR: server.config.jobDataDir,
        PORT: String(port),
        HOST: '0.0.0.0',
        INLINE_WORKER: '0',
      },
      server.dataDir,
    );
    try {
      await api.waitFor('listening on');
      const line = api.output.split('\n').find((l) => l.includes('listening on'))!;
      expect(line).toContain(`listening on 0.0.0.0:${port} (http://127.0.0.1:${port})`);
      expect(line).toContain(`"redis":"${server.config.redisUrl}`);
    } finally {
      api.kill('SIGTERM');
      await api.exited;
      await server.close();
    }
  });
});
