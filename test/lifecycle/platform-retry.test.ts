import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { TempImage } from '../helpers/temp-image';
import { startTestServer, type TestServer } from '../helpers/test-server';

describeDocker('platform failures', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('retries an image that went missing, with backoff, then fails saying which image', async () => {
    const image = new TempImage();
    try {
      server = await startTestServer({
        JOB_RUN_IMAGE: image.name,
        JOB_ATTEMPTS: '3',
        JOB_BACKOFF_MS: '300',
      });
      image.remove();
      const c = new Client(server.url);
      const id = await c.submit({ code: 'print(1)' });
      const job = await c.waitEnded(id, 90_000);
      expect(job).toMatchObject({ status: 'failed', attempts: 3 });
      expect(job.error).toMatch(
        new RegExp(`^platform error: sandbox image ${image.name} is missing`),
      );
      const logs = await c.logs(id);
      for (const n of [1, 2, 3]) expect(logs).toContain(`platform error on attempt ${n} of 3`);
      expect(logs).toContain('attempt 2 of 3 after a platform failure');
      // Exponential backoff from 300 ms: the retries were 300 and 600 ms apart at least.
      const started = Date.parse(String(job.created_at));
      expect(Date.parse(String(job.finished_at)) - started).toBeGreaterThanOrEqual(900);
    } finally {
      image.dispose();
    }
  });

  it('never retries a failure of the user program', async () => {
    server = await startTestServer({ JOB_ATTEMPTS: '3' });
    const { job, logs } = await new Client(server.url).run('raise SystemExit(2)');
    expect(job).toMatchObject({ status: 'failed', error: 'non-zero exit', attempts: 1 });
    expect(logs).not.toContain('attempt 2');
  });
});
