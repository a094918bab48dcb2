import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { startTestServer, type TestServer } from '../helpers/test-server';

describeDocker('platform failures', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await startTestServer({
      DOCKER_HOST: 'unix:///nonexistent.sock',
      JOB_ATTEMPTS: '3',
      JOB_BACKOFF_MS: '200',
    });
    client = new Client(server.url);
  });
  afterAll(() => server.close());

  it('retries a dead Docker socket with backoff, then fails naming Docker', async () => {
    const id = await client.submit({ code: 'print(1)' });
    const job = await client.waitEnded(id, 90_000);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/^platform error: Docker engine unreachable/);
    expect(job.attempts).toBe(3);
    const logs = await client.logs(id);
    for (const n of [1, 2, 3]) expect(logs).toContain(`platform error on attempt ${n} of 3`);
    expect(logs).toContain('attempt 2 of 3 after a platform failure');
  });

  it('retries a missing sandbox image, then fails saying which image', async () => {
    const other = await startTestServer({
      JOB_RUN_IMAGE: 'job-runner-no-such-image:never',
      JOB_ATTEMPTS: '2',
    });
    try {
      const c = new Client(other.url);
      const job = await c.waitEnded(await c.submit({ code: 'print(1)' }), 90_000);
      expect(job).toMatchObject({ status: 'failed', attempts: 2 });
      expect(job.error).toMatch(
        /^platform error: sandbox image job-runner-no-such-image:never is missing/,
      );
    } finally {
      await other.close();
    }
  });

  it('never retries a failure of the user program', async () => {
    const ok = await startTestServer({ JOB_ATTEMPTS: '3' });
    try {
      const { job, logs } = await new Client(ok.url).run('raise SystemExit(2)');
      expect(job).toMatchObject({ status: 'failed', error: 'non-zero exit', attempts: 1 });
      expect(logs).not.toContain('attempt 2');
    } finally {
      await ok.close();
    }
  });
});
