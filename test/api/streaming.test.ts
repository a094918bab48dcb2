import { Redis } from 'ioredis';
import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { sample } from '../helpers/operator';
import { startTestServer, type TestServer } from '../helpers/test-server';

interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

function parseSse(text: string): { events: SseEvent[]; comments: number } {
  let comments = 0;
  const events: SseEvent[] = [];
  for (const block of text.split('\n\n')) {
    if (!block.trim()) continue;
    const ev: SseEvent = { data: '' };
    let isEvent = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        comments++;
        continue;
      }
      const field = /^(id|event|data): ?(.*)$/.exec(line);
      if (!field) continue;
      isEvent = true;
      if (field[1] === 'id') ev.id = field[2];
      else if (field[1] === 'event') ev.event = field[2];
      else ev.data = field[2]!;
    }
    if (isEvent) events.push(ev);
  }
  return { events, comments };
}

describeDocker('log streaming (SSE)', () => {
  let server: TestServer;
  let client: Client;
  let redis: Redis;
  beforeAll(async () => {
    // A Redis of its own, so its client count is this server's alone.
    server = await startTestServer({}, { ownRedis: true });
    client = new Client(server.url);
    redis = new Redis(server.redisUrl);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.close();
  });

  const followerRows = async () =>
    ((await redis.client('LIST')) as string)
      .split('\n')
      .filter((l) => l.includes('name=api-log-follower '));
  const redisClients = async () =>
    ((await redis.client('LIST')) as string).split('\n').filter(Boolean).length;
  const streamsServed = async () =>
    sample(await (await fetch(`${server.url}/metrics`)).text(), 'job_runner_sse_streams');

  it('gives every line an id, and exactly the lines after Last-Event-ID on reconnect', async () => {
    const code =
      'import time\nfor i in range(6):\n    print(f"line {i}", flush=True)\n    time.sleep(0.3)';
    const { job } = await client.run(code);
    const all = parseSse(await (await fetch(`${server.url}/jobs/${job.id}/logs/stream`)).text());
    const lines = all.events.filter((e) => !e.event);
    expect(lines.map((e) => e.data)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `line ${i}`));
    expect(new Set(lines.map((e) => e.id)).size).toBe(6);
    expect(all.events.at(-1)?.event).toBe('end');

    for (const k of [0, 2, 5]) {
      const res = await fetch(`${server.url}/jobs/${job.id}/logs/stream`, {
        headers: { 'Last-Event-ID': lines[k].id! },
      });
      const again = parseSse(await res.text()).events;
      expect(again.filter((e) => !e.event).map((e) => e.data)).toEqual(
        lines.slice(k + 1).map((e) => e.data),
      );
      expect(again.at(-1)?.event).toBe('end');
    }
  });

  it('resumes a live stream without losing or repeating a line', async () => {
    const id = await client.submit({
      code: 'import time\nfor i in range(40):\n    print(f"n{i}", flush=True)\n    time.sleep(0.1)',
    });
    // Read a first part, drop the connection, resume from the last id seen.
    const ac = new AbortController();
    const res = await fetch(`${server.url}/jobs/${id}/logs/stream`, { signal: ac.signal });
    const reader = res.body!.getReader();
    let text = '';
    while (parseSse(text).events.filter((e) => !e.event).length < 5)
      text += new TextDecoder().decode((await reader.read()).value);
    ac.abort();
    const first = parseSse(text.slice(0, text.lastIndexOf('\n\n') + 2)).events;
    const rest = parseSse(
      await (
        await fetch(`${server.url}/jobs/${id}/logs/stream`, {
          headers: { 'Last-Event-ID': first.at(-1)!.id! },
        })
      ).text(),
    ).events;
    const seen = [...first, ...rest].filter((e) => !e.event).map((e) => e.data);
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => `n${i}`));
    expect(rest.at(-1)?.event).toBe('end');
  });

  it('keeps idle streams alive, serves every client from one blocked reader, frees all on leave', async () => {
    const id = await client.submit({
      code: 'import time\nprint("up", flush=True)\ntime.sleep(40)',
      spec: { timeout_sec: 60 },
    });
    await eventually('the job runs', async () => (await client.logs(id)).includes('up'));
    const connectionsBefore = await redisClients();
    const clients = Array.from({ length: 20 }, () => new AbortController());
    const bodies = await Promise.all(
      clients.map(async (ac) => {
        const res = await fetch(`${server.url}/jobs/${id}/logs/stream`, { signal: ac.signal });
        return res.body!.getReader();
      }),
    );
    expect(await streamsServed()).toBe(20);
    // The process's one follower connection, parked in a blocking XREAD (not polling), serves
    // every client; no client has a connection of its own.
    await eventually('one blocked reader', async () => {
      const rows = await followerRows();
      return rows.length === 1 && /flags=\S*b/.test(rows[0]) && /cmd=xread/.test(rows[0]);
    });
    expect(await redisClients()).toBe(connectionsBefore);
    // A keep-alive comment arrives on an idle stream (every 10 s).
    let text = '';
    while (!text.includes(': keep-alive'))
      text += new TextDecoder().decode((await bodies[0].read()).value);
    for (const ac of clients) ac.abort();
    await eventually('every stream freed', async () => (await streamsServed()) === 0);
    await fetch(`${server.url}/jobs/${id}/cancel`, { method: 'POST' });
  });
});
