import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { startTestServer, type TestServer } from '../helpers/test-server';

const KEY_A = 'owner-test-key-a-0123456789';
const KEY_B = 'owner-test-key-b-9876543210';
const ADMIN = { ADMIN_USER: 'ops', ADMIN_PASSWORD: 'owner-test-admin-pw' };
const boardAuth = `Basic ${Buffer.from('ops:owner-test-admin-pw').toString('base64')}`;

/**
 * With API_KEYS, a job is its submitting key's alone: every other key gets the same 404 as for a
 * job that does not exist, on every route, and does not see it listed. The board sees all.
 */
describeDocker('per-key ownership of jobs', () => {
  let server: TestServer;
  let a: Client;
  let b: Client;
  let done = ''; // A's job that ended, with an artifact
  let sleeping = ''; // A's job still running
  beforeAll(async () => {
    server = await startTestServer({ API_KEYS: `${KEY_A},${KEY_B}`, ...ADMIN });
    a = new Client(server.url, KEY_A);
    b = new Client(server.url, KEY_B);
    done = await a.submit({
      code: 'import os\nopen(os.environ["JOB_OUTPUT_DIR"] + "/a.txt", "w").write("of A")\nprint("A was here")',
    });
    await a.waitEnded(done);
    sleeping = await a.submit({ code: 'import time\nprint("up", flush=True)\ntime.sleep(60)' });
    await a.waitStatus(sleeping, 'running');
  });
  afterAll(async () => {
    await a?.get(`/jobs/${sleeping}`, { method: 'DELETE' });
    await server?.close();
  });

  const notFound = async (res: Response) => ({
    status: res.status,
    code: ((await res.json()) as { code?: string }).code,
  });

  it("another key gets 404 for the job on every route, as for a job that doesn't exist", async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const id of [done, sleeping, missing]) {
      const routes: [string, RequestInit?][] = [
        [`/jobs/${id}`],
        [`/jobs/${id}/logs`],
        [`/jobs/${id}/logs/stream`],
        [`/jobs/${id}/artifacts/a.txt`],
        [`/jobs/${id}`, { method: 'DELETE' }],
      ];
      for (const [path, init] of routes) {
        const res = await b.get(path, init);
        expect({ path, ...(await notFound(res)) }).toEqual({
          path,
          status: 404,
          code: 'JOB_NOT_FOUND',
        });
      }
    }
    // The cancel refused to B did nothing: A's job still runs.
    expect((await a.job(sleeping)).status).toBe('running');
  });

  it('the owner sees its job, its output and its artifact', async () => {
    expect(await a.job(done)).toMatchObject({ status: 'succeeded', artifacts: ['a.txt'] });
    expect(await a.logs(done)).toBe('A was here\n');
    const artifact = await a.get(`/jobs/${done}/artifacts/a.txt`);
    expect(artifact.status).toBe(200);
    expect(await artifact.text()).toBe('of A');
    // The stream to its end event, whose verdict is read as the owner too.
    const stream = await (await a.get(`/jobs/${done}/logs/stream`)).text();
    expect(stream).toContain('data: A was here');
    expect(stream).toMatch(/event: end\ndata: \{"status":"succeeded","exit_code":0,"error":null\}/);
  });

  it('the listing shows each key its own jobs only; the sync route gives B its own', async () => {
    const sync = await b.post('/jobs/sync', { code: 'print("B was here")' });
    expect(sync.status).toBe(200);
    const own = (await sync.json()) as { job_id: string; logs: string };
    expect(own.logs).toBe('B was here\n');

    const ids = async (c: Client) =>
      ((await (await c.get('/jobs?limit=100')).json()) as { jobs: { id: string }[] }).jobs.map(
        (j) => j.id,
      );
    expect(await ids(b)).toEqual([own.job_id]);
    const ofA = await ids(a);
    expect(ofA).toEqual(expect.arrayContaining([done, sleeping]));
    expect(ofA).not.toContain(own.job_id);
    // And B's job is A's 404.
    expect((await a.get(`/jobs/${own.job_id}`)).status).toBe(404);
  });

  it('the admin board sees the jobs of every key', async () => {
    const res = await fetch(
      `${server.url}/admin/queues/api/queues?activeQueue=${server.config.queueName}&status=completed`,
      { headers: { authorization: boardAuth } },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: { name: string; jobs: { id: string }[] }[] };
    const queue = body.queues.find((q) => q.name === server.config.queueName);
    const shown = queue?.jobs.map((j) => j.id) ?? [];
    expect(shown).toContain(done);
    expect(shown.length).toBeGreaterThanOrEqual(2); // A's and B's
  });
});
