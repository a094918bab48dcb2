import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createLogger } from '@job-runner/logger';
import { createFileStore, Janitor, JobFiles, LogStore, keyBase } from '@job-runner/jobs';
import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { S3Server } from '../helpers/s3-server';
import { startTestServer, type TestServer } from '../helpers/test-server';

const CODE = `
import os
out = os.environ["JOB_OUTPUT_DIR"]
data = open(os.path.join(os.environ["JOB_INPUT_DIR"], "data.bin"), "rb").read()
open(os.path.join(out, "copy.bin"), "wb").write(data)
os.makedirs(os.path.join(out, "sub"))
open(os.path.join(out, "sub", "n.txt"), "w").write("0123456789")
print("token", os.environ["TOKEN"] == "s3cr3t-value")
`;
const SECRET = 's3cr3t-value';
const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');
/** Regular files under `dir`, at any depth. */
const files = (dir: string) =>
  fs.existsSync(dir)
    ? (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) =>
        fs.statSync(path.join(dir, f)).isFile(),
      )
    : [];

/**
 * The same behaviour from both file stores: the local directory, and an S3-compatible bucket
 * (a real S3 server process, spoken to by the real AWS SDK). Artifacts are served whole or by
 * byte range; with S3 nothing of the job stays on the local disk, secrets are sealed in the
 * bucket, and retention removes a job's objects with it.
 */
describe.each(['local', 's3'] as const)('job files in the %s store', (kind) => {
  describeDocker('', () => {
    const s3 = new S3Server();
    let server: TestServer;
    let client: Client;
    const input = randomBytes(3 * 1024 * 1024 + 17);
    let jobId = '';

    beforeAll(async () => {
      if (kind === 's3') await s3.start();
      server = await startTestServer(kind === 's3' ? s3.env : {});
      client = new Client(server.url);
      // Multipart: the files stream to the API's disk, and from there to the store.
      const form = new FormData();
      form.append('spec', JSON.stringify({ entry: 'main.py', env: { TOKEN: SECRET } }));
      form.append('code_files', new Blob([CODE]), 'main.py');
      form.append('input_files', new Blob([input]), 'data.bin');
      const res = await client.postForm('/jobs', form);
      expect(res.status).toBe(200);
      const job = await client.waitEnded(((await res.json()) as { job_id: string }).job_id);
      expect(job.status).toBe('succeeded');
      expect(await client.logs(job.id)).toContain('token True');
      jobId = job.id;
    }, 120_000);
    afterAll(async () => {
      await server?.close();
      await s3.dispose();
    });

    const get = (name: string, range?: string) =>
      client.get(`/jobs/${jobId}/artifacts/${name}`, range ? { headers: { range } } : {});

    it('serves artifacts whole, and says it takes ranges', async () => {
      const res = await get('copy.bin');
      expect(res.status).toBe(200);
      expect(res.headers.get('accept-ranges')).toBe('bytes');
      expect(res.headers.get('content-length')).toBe(String(input.length));
      expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(sha(input));
      expect(await (await get('sub/n.txt')).text()).toBe('0123456789');
    });

    it('answers one byte range with 206, and any form of it', async () => {
      for (const [range, body, contentRange] of [
        ['bytes=2-5', '2345', 'bytes 2-5/10'],
        ['bytes=-3', '789', 'bytes 7-9/10'],
        ['bytes=7-', '789', 'bytes 7-9/10'],
        ['bytes=8-400', '89', 'bytes 8-9/10'],
      ]) {
        const res = await get('sub/n.txt', range);
        expect([range, res.status, await res.text(), res.headers.get('content-range')]).toEqual([
          range,
          206,
          body,
          contentRange,
        ]);
      }
      const mid = await get('copy.bin', 'bytes=1000000-1000099');
      expect(mid.status).toBe(206);
      expect(Buffer.from(await mid.arrayBuffer())).toEqual(input.subarray(1000000, 1000100));
    });

    it('refuses a range past the end with 416, and sends several ranges whole', async () => {
      const res = await get('sub/n.txt', 'bytes=10-20');
      expect(res.status).toBe(416);
      expect(res.headers.get('content-range')).toBe('bytes */10');
      expect(await res.json()).toMatchObject({ code: 'RANGE_NOT_SATISFIABLE', fields: ['range'] });
      const several = await get('sub/n.txt', 'bytes=0-1,4-5');
      expect([several.status, await several.text()]).toEqual([200, '0123456789']);
      // Not bytes: ignored, the whole file.
      const other = await get('sub/n.txt', 'items=0-1');
      expect([other.status, await other.text()]).toEqual([200, '0123456789']);
    });

    it('answers 404 to names that leave the artifacts, and to directories', async () => {
      for (const p of ['%2E%2E%2Fcode%2Fmain.py', '..%2Finput%2Fdata.bin', 'sub', 'missing.txt'])
        expect([p, (await get(p)).status]).toEqual([p, 404]);
    });

    if (kind === 's3') {
      it('keeps the job in the bucket only, its secrets sealed', async () => {
        const prefix = `${server.config.queueName}/jobs/${jobId}/`;
        expect(await s3.keys(prefix)).toEqual(
          [
            'code/main.py',
            'env.sealed',
            'input/data.bin',
            'output/copy.bin',
            'output/sub/n.txt',
          ].map((k) => prefix + k),
        );
        const sealed = await s3.object(`${prefix}env.sealed`);
        expect(sealed.toString()).not.toContain(SECRET);
        expect(sealed.toString()).not.toContain(Buffer.from(SECRET).toString('base64'));
        // Nothing of the job stays on this process's disk: no job directory, staging or copy.
        for (const d of ['jobs', 'staging', 'scratch'])
          expect([d, files(path.join(server.dataDir, d))]).toEqual([d, []]);
      });

      it("removes a job's objects once retention removed the job", async () => {
        const prefix = `${server.config.queueName}/jobs/${jobId}/`;
        const redis = new Redis(server.redisUrl);
        const local = new JobFiles(server.dataDir);
        const files = createFileStore(server.config, local);
        try {
          await (await server.jobs.queue.getJob(jobId))!.remove();
          const janitor = new Janitor({
            queue: server.jobs.queue,
            redis,
            files,
            local,
            logs: new LogStore(redis, keyBase(redis, server.config.queueName)),
            retention: server.config.retention,
            logger: createLogger({ level: 'error' }),
          });
          // Orphaned on two passes in a row before anything goes.
          await janitor.sweep();
          expect(await s3.keys(prefix)).not.toEqual([]);
          expect((await janitor.sweep()).dirs).toBe(1);
          expect(await s3.keys(prefix)).toEqual([]);
          expect((await get('copy.bin')).status).toBe(404);
        } finally {
          files.close();
          redis.disconnect();
        }
      });
    }
  });
});
