import { execFile, spawnSync } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, type JobViewBody } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { freePort } from '../helpers/free-port';
import { startTestServer, type TestServer } from '../helpers/test-server';

const execFileAsync = promisify(execFile);

const SECRET = 'callback-test-secret-0123456789';

interface ErrorBody {
  detail: string;
  code: string;
  fields: string[];
}

interface Delivery {
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The raw body, as signed. */
  raw: string;
  answered: number | null;
}

interface CallbackState {
  status: string;
  attempts: number;
  last_error: string | null;
  url: string;
}

/**
 * A callback receiver on 127.0.0.1: `/flaky/<k>` answers 500 twice then 200, `/redirect` a 302
 * to `/ok/redirected`, `/hang/<k>` nothing until released, anything else 200.
 */
class Receiver {
  readonly deliveries: Delivery[] = [];
  private readonly tries = new Map<string, number>();
  private readonly hanging = new Map<string, http.ServerResponse>();
  private server?: http.Server;
  port = 0;

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString()));
      req.on('end', () => {
        const path = req.url ?? '';
        const delivery: Delivery = { path, headers: req.headers, raw, answered: null };
        this.deliveries.push(delivery);
        const answer = (status: number, headers: Record<string, string> = {}) => {
          delivery.answered = status;
          res.writeHead(status, headers).end();
        };
        if (path.startsWith('/flaky/')) {
          const n = (this.tries.get(path) ?? 0) + 1;
          this.tries.set(path, n);
          answer(n <= 2 ? 500 : 200);
        } else if (path === '/redirect') {
          answer(302, { location: `http://127.0.0.1:${this.port}/ok/redirected` });
        } else if (path.startsWith('/hang/')) {
          this.hanging.set(path, res);
        } else answer(200);
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  to(path: string): Delivery[] {
    return this.deliveries.filter((d) => d.path === path);
  }

  isHanging(path: string): boolean {
    return this.hanging.has(path);
  }

  release(path: string): void {
    const res = this.hanging.get(path);
    this.hanging.delete(path);
    const delivery = this.deliveries.find((d) => d.path === path && d.answered === null);
    if (delivery) delivery.answered = 200;
    res?.writeHead(200).end();
  }

  async close(): Promise<void> {
    for (const path of [...this.hanging.keys()]) this.release(path);
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

/** What a receiver does with X-Job-Runner-Signature (the README's recipe). */
function signatureVerifies(header: string, raw: string, secret: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  if (Math.abs(Date.now() / 1000 - Number(m[1])) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${m[1]}.${raw}`).digest();
  return timingSafeEqual(Buffer.from(m[2], 'hex'), expected);
}

/** A fenced block of the README's callbacks section, as a reader would copy it. */
function readmeRecipe(lang: 'js' | 'python'): string {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf('\n### Signed job-end callbacks\n');
  const end = readme.indexOf('\n## ', start + 1);
  const block = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(readme.slice(start, end));
  if (start < 0 || !block) throw new Error(`README has no ${lang} recipe for callbacks`);
  return block[1];
}

/** Refusals need no worker: the API checks callback_url before anything is queued. */
describe('callback_url at submission', () => {
  let server: TestServer;
  let unsigned: TestServer;
  let client: Client;
  let allowedPort: number;
  beforeAll(async () => {
    allowedPort = await freePort();
    server = await startTestServer({
      INLINE_WORKER: '0',
      CALLBACK_SECRET: SECRET,
      CALLBACK_TIMEOUT_MS: '3000',
      CALLBACK_ALLOWED_HOSTS: `127.0.0.1:${allowedPort}`,
    });
    unsigned = await startTestServer({ INLINE_WORKER: '0' });
    client = new Client(server.url);
  });
  afterAll(async () => {
    await server.close();
    await unsigned.close();
  });

  const jobCount = (s: TestServer) =>
    s.jobs.queue.getJobCounts().then((c) => Object.values(c).reduce((a, b) => a + b, 0));

  const leftovers = (s: TestServer) =>
    ['jobs', 'staging'].flatMap((d) => fs.readdirSync(path.join(s.dataDir, d)));

  const refused = async (s: TestServer, callbackUrl: string): Promise<ErrorBody> => {
    const before = await jobCount(s);
    const filesBefore = leftovers(s);
    const res = await new Client(s.url).post('/jobs', {
      spec: { callback_url: callbackUrl },
      code: 'print(1)',
    });
    const body = (await res.json()) as ErrorBody;
    expect([callbackUrl, res.status]).toEqual([callbackUrl, 422]);
    expect(body).toMatchObject({ code: 'INVALID_INPUT', fields: ['spec.callback_url'] });
    // Nothing queued, and the upload it came with is gone.
    expect(await jobCount(s)).toBe(before);
    expect(leftovers(s)).toEqual(filesBefore);
    return body;
  };

  it.each([
    ['http://10.1.2.3/hook', /resolves to 10\.1\.2\.3, which is a private address/],
    ['http://192.168.0.10:8080/hook', /private address/],
    ['http://127.0.0.1:9/hook', /127\.0\.0\.1, which is a loopback address/],
    ['http://[::1]:9/hook', /::1, which is a loopback address/],
    ['http://[::ffff:127.0.0.1]:9/', /loopback address/],
    ['http://169.254.169.254/latest/meta-data/', /link-local address/],
    ['http://100.64.0.1/', /carrier-grade NAT address/],
    ['http://0.0.0.0:8000/', /unspecified address/],
    ['http://2130706433/', /127\.0\.0\.1, which is a loopback address/],
  ])('refuses %s with a 422 naming spec.callback_url and why', async (url, why) => {
    const err = await refused(server, url);
    expect(err.detail).toMatch(/^spec\.callback_url must not lead to the platform's own networks/);
    expect(err.detail).toMatch(why);
    expect(err.detail).toMatch(/CALLBACK_ALLOWED_HOSTS/);
  });

  it('refuses a name that resolves to loopback (localhost)', async () => {
    const err = await refused(server, `http://localhost:${allowedPort}/hook`);
    expect(err.detail).toMatch(/localhost resolves to (127\.0\.0\.1|::1), which is a loopback/);
  });

  it('refuses a name that does not resolve', async () => {
    const err = await refused(server, 'http://no-such-host.invalid/hook');
    expect(err.detail).toMatch(/host no-such-host\.invalid (does not resolve|did not resolve)/);
  });

  it('refuses what is not an http or https URL, or is too long', async () => {
    expect((await refused(server, 'ftp://example.com/x')).detail).toMatch(
      /callback_url must be an http or https URL/,
    );
    expect((await refused(server, 'not a url')).detail).toMatch(/http or https URL/);
    const long = `https://example.com/${'x'.repeat(2100)}`;
    expect((await refused(server, long)).detail).toMatch(/callback_url/);
  });

  it('describes callback_url and the callback state in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    const { JobSpec, JobView, CallbackState } = doc.components.schemas;
    expect(JobSpec.properties.callback_url).toMatchObject({
      type: 'string',
      format: 'uri',
      maxLength: 2048,
    });
    expect(JobView.properties.callback).toEqual({ $ref: '#/components/schemas/CallbackState' });
    expect(CallbackState).toMatchObject({ nullable: true, type: 'object' });
    expect(Object.keys(CallbackState.properties).sort()).toEqual([
      'attempts',
      'last_error',
      'status',
      'url',
    ]);
  });

  it('refuses every callback_url on a server without CALLBACK_SECRET, saying so', async () => {
    const err = await refused(unsigned, 'https://example.com/hook');
    expect(err.detail).toMatch(/this server has no CALLBACK_SECRET to sign callbacks with/);
  });

  it('takes a host:port the operator allowed, and shows the callback as pending', async () => {
    const res = await client.post('/jobs', {
      spec: { callback_url: `http://127.0.0.1:${allowedPort}/hook` },
      code: 'print(1)',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { job: JobViewBody };
    expect(body.job.spec).toMatchObject({ callback_url: `http://127.0.0.1:${allowedPort}/hook` });
    expect(body.job.callback).toEqual({
      status: 'pending',
      attempts: 0,
      last_error: null,
      url: `http://127.0.0.1:${allowedPort}/hook`,
    });
    // A job without one shows null.
    const plain = (await (await client.post('/jobs', { code: 'print(1)' })).json()) as {
      job: JobViewBody;
    };
    expect(plain.job.callback).toBeNull();
  });
});

describeDocker('signed callbacks when a job ends', () => {
  let server: TestServer;
  let client: Client;
  const receiver = new Receiver();
  let downPort: number;
  beforeAll(async () => {
    await receiver.start();
    downPort = await freePort();
    server = await startTestServer({
      CALLBACK_SECRET: SECRET,
      CALLBACK_ATTEMPTS: '4',
      CALLBACK_BACKOFF_MS: '200',
      // Long, so a hanging receiver stays visibly in flight while other jobs run.
      CALLBACK_TIMEOUT_MS: '30000',
      CALLBACK_ALLOWED_HOSTS: `127.0.0.1:${receiver.port},127.0.0.1:${downPort}`,
      // One job at a time: a second job stays queued behind a running one.
      WORKER_CONCURRENCY: '1',
    });
    client = new Client(server.url);
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  const callbackOf = async (id: string) => (await client.job(id)).callback as CallbackState;

  it('retries a receiver that answers 500 twice, and the body it gets verifies', async () => {
    const url = receiver.url('/flaky/a');
    const body = await client.run('print(42)', { callback_url: url });
    const id = body.job.id;
    expect(body.job.status).toBe('succeeded');

    const state = await eventually('the callback delivered', async () => {
      const cb = await callbackOf(id);
      return cb.status === 'delivered' && cb;
    });
    expect(state).toEqual({
      status: 'delivered',
      attempts: 3,
      last_error: 'HTTP 500 Internal Server Error',
      url,
    });
    const got = receiver.to('/flaky/a');
    expect(got.map((d) => d.answered)).toEqual([500, 500, 200]);
    for (const d of got) {
      expect(d.headers['content-type']).toBe('application/json');
      expect(d.headers['user-agent']).toMatch(/job-runner/);
      expect(d.headers['x-job-runner-event']).toBe('job.ended');
      expect(d.headers['x-job-runner-job-id']).toBe(id);
      expect(signatureVerifies(String(d.headers['x-job-runner-signature']), d.raw, SECRET)).toBe(
        true,
      );
      expect(
        signatureVerifies(String(d.headers['x-job-runner-signature']), d.raw, 'x'.repeat(30)),
      ).toBe(false);
      // Every attempt sends the same bytes: the end, as it was recorded.
      expect(d.raw).toBe(got[0].raw);
    }
    const sent = JSON.parse(got[0].raw) as { job_id: string; status: string; job: JobViewBody };
    expect(sent).toMatchObject({ job_id: id, status: 'succeeded' });
    expect(sent.job).toMatchObject({ id, status: 'succeeded', exit_code: 0, phase: 'finished' });
    expect(sent.job.finished_at).toEqual(expect.any(String));
    expect(sent.job).not.toHaveProperty('callback');

    // The listing shows the same state; and nothing more is sent later.
    const page = (await (await client.get('/jobs?limit=100')).json()) as { jobs: JobViewBody[] };
    expect(page.jobs.find((j) => j.id === id)?.callback).toEqual(state);
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.to('/flaky/a')).toHaveLength(3);
  });

  it("verifies with the README's Node and Python recipes, as written", async () => {
    const body = await client.run('print("readme")', { callback_url: receiver.url('/ok/readme') });
    const [delivery] = await eventually('the callback', () =>
      Promise.resolve(receiver.to('/ok/readme').length > 0 && receiver.to('/ok/readme')),
    );
    expect(JSON.parse(delivery.raw)).toMatchObject({ job_id: body.job.id });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callback-recipe-'));
    try {
      const raw = path.join(dir, 'body');
      fs.writeFileSync(raw, delivery.raw);
      const env = (secret: string) => ({
        PATH: process.env.PATH,
        RAW: raw,
        SIG: String(delivery.headers['x-job-runner-signature']),
        SECRET: secret,
      });
      // Run without blocking this process' event loop: the server under test lives in it, and a
      // blocked loop lets its keep-alive timers fire late, on a request already sent.
      const node = async (secret: string) =>
        (
          await execFileAsync(
            process.execPath,
            [
              '-e',
              `${readmeRecipe('js')}
const raw = require('node:fs').readFileSync(process.env.RAW);
process.stdout.write(String(verifyJobRunner(raw, process.env.SIG, process.env.SECRET)));`,
            ],
            { env: env(secret) },
          )
        ).stdout;
      expect(await node(SECRET)).toBe('true');
      expect(await node('not-the-secret-at-all')).toBe('false');
      // Python is not among the platform's own needs: checked where the machine has it.
      if (spawnSync('python3', ['--version']).status !== 0) return;
      const python = async (secret: string) =>
        (
          await execFileAsync(
            'python3',
            [
              '-c',
              `${readmeRecipe('python')}
import os
print(verify_job_runner(open(os.environ["RAW"], "rb").read(), os.environ["SIG"], os.environ["SECRET"]))`,
            ],
            { env: env(secret) },
          )
        ).stdout.trim();
      expect(await python(SECRET)).toBe('True');
      expect(await python('not-the-secret-at-all')).toBe('False');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts a redirect as a failed attempt and never follows it', async () => {
    const body = await client.run('print(1)', { callback_url: receiver.url('/redirect') });
    const state = await eventually('the callback given up', async () => {
      const cb = await callbackOf(body.job.id);
      return cb.status === 'failed' && cb;
    });
    expect(state).toMatchObject({
      attempts: 4,
      last_error: 'HTTP 302 Found (redirects are not followed)',
    });
    expect(receiver.to('/redirect')).toHaveLength(4);
    expect(receiver.to('/ok/redirected')).toHaveLength(0);
  });

  it('tells the end of a job canceled while still queued, which no worker runs', async () => {
    const blocker = await client.submit({ code: 'import time; time.sleep(120)' });
    await client.waitStatus(blocker, 'running', 60_000);
    const url = receiver.url('/ok/canceled');
    const id = await client.submit({ spec: { callback_url: url }, code: 'print("never")' });
    expect((await client.job(id)).status).toBe('queued');
    const res = await client.post(`/jobs/${id}/cancel`, {});
    expect(res.status).toBe(200);

    // Delivered while the only job slot is still taken: no worker has even looked at the job.
    const [delivery] = await eventually('the callback of the canceled job', () => {
      const got = receiver.to('/ok/canceled');
      return Promise.resolve(got.length > 0 && got);
    });
    expect((await client.job(blocker)).status).toBe('running');
    expect(await server.jobs.queue.getJobState(id)).toBe('waiting');
    const sent = JSON.parse(delivery.raw) as { status: string; job: JobViewBody };
    expect(sent).toMatchObject({
      status: 'canceled',
      job: { id, status: 'canceled', error: 'canceled', started_at: null },
    });
    expect(
      signatureVerifies(String(delivery.headers['x-job-runner-signature']), delivery.raw, SECRET),
    ).toBe(true);

    // The worker that later drops the job announces the same end: still one delivery.
    await client.post(`/jobs/${blocker}/cancel`, {});
    await eventually(
      'the canceled job dropped',
      async () => (await server.jobs.queue.getJobState(id)) === 'failed',
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.to('/ok/canceled')).toHaveLength(1);
    expect(await callbackOf(id)).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('never holds up a job for a receiver that hangs or is down', async () => {
    // The job ends and answers, and only then is its callback sent: the receiver still has it.
    const hang = receiver.url('/hang/h');
    const slow = await client.run('print("slow receiver")', { callback_url: hang });
    expect(slow.job.status).toBe('succeeded');
    expect(slow.job.callback).toMatchObject({ status: 'pending' });
    await eventually('the delivery in flight', () =>
      Promise.resolve(receiver.isHanging('/hang/h')),
    );

    // Another job runs to its end meanwhile, and so does one whose receiver is down.
    const other = await client.run('print("next")');
    expect(other.job.status).toBe('succeeded');
    const down = await client.run('print("down")', {
      callback_url: `http://127.0.0.1:${downPort}/hook`,
    });
    expect(down.job.status).toBe('succeeded');
    expect(receiver.isHanging('/hang/h')).toBe(true);

    const failed = await eventually('the down receiver given up', async () => {
      const cb = await callbackOf(down.job.id);
      return cb.status === 'failed' && cb;
    });
    expect(failed).toMatchObject({
      attempts: 4,
      last_error: expect.stringMatching(/ECONNREFUSED/),
    });

    receiver.release('/hang/h');
    await eventually('the slow receiver served', async () => {
      const cb = await callbackOf(slow.job.id);
      return cb.status === 'delivered' && cb.attempts === 1;
    });
  });
});
