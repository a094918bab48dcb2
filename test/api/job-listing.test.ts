import { Client } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { WorkerProcess } from '../helpers/worker-process';

interface Listed {
  id: string;
  status: string;
  queue_position: number | null;
}
interface Page {
  jobs: Listed[];
  next_cursor: string | null;
}

describe('GET /jobs: listing, newest first, by page', () => {
  let server: TestServer;
  let client: Client;
  let worker: WorkerProcess | undefined;
  const ids: string[] = [];
  beforeAll(async () => {
    // No worker at first: the jobs stay queued, in a known order.
    server = await startTestServer({ INLINE_WORKER: '0' });
    client = new Client(server.url);
    for (let i = 0; i < 5; i++) {
      ids.push(await client.submit({ code: `print(${i})` }));
      // Creation times are in ms: apart, the newest-first order is the submission order.
      await new Promise((r) => setTimeout(r, 3));
    }
  });
  afterAll(async () => {
    worker?.kill('SIGTERM');
    await worker?.exited;
    await server.close();
  });

  const list = async (query = '') => {
    const res = await client.get(`/jobs${query}`);
    return { status: res.status, body: (await res.json()) as Page & { detail?: string } };
  };

  it('pages through every job exactly once, newest first, with places in the queue', async () => {
    const seen: Listed[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { status, body } = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(status).toBe(200);
      expect(body.jobs.length).toBeLessThanOrEqual(2);
      seen.push(...body.jobs);
      cursor = body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((j) => j.id)).toEqual([...ids].reverse());
    // The oldest starts first.
    expect(seen.map((j) => j.queue_position)).toEqual([5, 4, 3, 2, 1]);
    expect(seen.every((j) => j.status === 'queued')).toBe(true);
    // The same place in the job's own view.
    const one = (await (await client.get(`/jobs/${ids[1]}`)).json()) as { job: Listed };
    expect(one.job.queue_position).toBe(2);
  });

  it('filters by status, a canceled job under canceled only', async () => {
    expect((await client.post(`/jobs/${ids[0]}/cancel`, {})).status).toBe(200);
    const canceled = (await list('?status=canceled')).body.jobs;
    expect(canceled.map((j) => j.id)).toEqual([ids[0]]);
    expect(canceled[0].queue_position).toBeNull();
    const queued = (await list('?status=queued')).body.jobs;
    expect(queued.map((j) => j.id)).toEqual(ids.slice(1).reverse());
    expect((await list('?status=succeeded')).body.jobs).toEqual([]);
  });

  it.each([
    ['?status=done', /query parameter status must be one of/, 'status'],
    ['?limit=0', /query parameter limit must be greater than or equal to 1/, 'limit'],
    ['?limit=101', /query parameter limit must be less than or equal to 100/, 'limit'],
    ['?limit=ten', /query parameter limit must be a number/, 'limit'],
    ['?stat=queued', /"stat" is not a known field \(did you mean status\?\)/, 'stat'],
    ['?cursor=bm9wZQ', /cursor is not one this listing handed out/, 'cursor'],
  ])('answers 422 to %s, naming the parameter', async (query, detail, field) => {
    const res = await client.get(`/jobs${query}`);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { detail: string; code: string; fields: string[] };
    expect(body).toMatchObject({ code: 'INVALID_INPUT', fields: [field] });
    expect(body.detail).toMatch(detail);
  });

  it('lists ended jobs with their verdicts once a worker ran them', async () => {
    worker = await new WorkerProcess(server).ready();
    for (const id of ids.slice(1)) await client.waitEnded(id);
    const done = (await list('?status=succeeded&limit=100')).body;
    expect(done.jobs.map((j) => j.id)).toEqual(ids.slice(1).reverse());
    expect(done.jobs.every((j) => j.queue_position === null)).toBe(true);
    expect(done.next_cursor).toBeNull();
    const all = (await list()).body.jobs;
    expect(all.map((j) => [j.id, j.status])).toEqual(
      [...ids].reverse().map((id, i) => [id, i === 4 ? 'canceled' : 'succeeded']),
    );
  });
});
