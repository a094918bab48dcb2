import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describeDocker } from '../helpers/docker';
import { startTestServer, type TestServer } from '../helpers/test-server';

// Debian's Chromium, never a downloaded browser: the machine may be offline.
const CHROMIUM = '/usr/bin/chromium';
const KEY = 'cors-test-key-0123456789abcdef';

const PROGRAM = [
  'import os',
  'print("hello from", os.environ["JOB_ID"][:8], flush=True)',
  'print("second line", flush=True)',
  'open(os.path.join(os.environ["JOB_OUTPUT_DIR"], "out.csv"), "w").write("a,b\\n1,2\\n")',
].join('\n');

/** What the page found, calling the API the way a browser client on its origin would. */
interface Calls {
  submitted: number;
  jobId: string;
  status: string;
  stream: string;
  resumed: string;
  artifact: string;
  disposition: string | null;
  missing: { status: number; code: string };
}

/**
 * Runs in the page: submits a job (JSON with a key: a preflighted request), follows its SSE
 * stream through fetch (EventSource cannot send a key), resumes it with Last-Event-ID, reads
 * its view and its artifact, and reads an error answer.
 */
async function clientCalls(args: { api: string; key: string; code: string }): Promise<Calls> {
  const auth = { authorization: `Bearer ${args.key}` };
  const submit = await fetch(`${args.api}/jobs`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ code: args.code }),
  });
  const { job_id: jobId } = (await submit.json()) as { job_id: string };
  const sse = await fetch(`${args.api}/jobs/${jobId}/logs/stream`, { headers: auth });
  const stream = await sse.text(); // the stream ends with its end event
  const firstId = /^id: (\S+)$/m.exec(stream)?.[1] ?? '';
  const resumed = await (
    await fetch(`${args.api}/jobs/${jobId}/logs/stream`, {
      headers: { ...auth, 'last-event-id': firstId },
    })
  ).text();
  const view = (await (await fetch(`${args.api}/jobs/${jobId}`, { headers: auth })).json()) as {
    status: string;
  };
  const file = await fetch(`${args.api}/jobs/${jobId}/artifacts/out.csv`, { headers: auth });
  const missing = await fetch(`${args.api}/jobs/00000000-0000-4000-8000-000000000000`, {
    headers: auth,
  });
  return {
    submitted: submit.status,
    jobId,
    status: view.status,
    stream,
    resumed,
    artifact: await file.text(),
    disposition: file.headers.get('content-disposition'),
    missing: { status: missing.status, code: ((await missing.json()) as { code: string }).code },
  };
}

/** A fetch from the page; the browser's error message when it refuses to hand the answer over. */
async function tryFetch(args: { url: string; key: string }): Promise<string> {
  try {
    const res = await fetch(args.url, { headers: { authorization: `Bearer ${args.key}` } });
    return `answered ${res.status}`;
  } catch (err) {
    return `refused: ${(err as Error).message}`;
  }
}

describeDocker('browser clients on another origin (CORS_ORIGINS)', () => {
  let browser: Browser;
  let pages: http.Server;
  let pagesPort: number;
  let server: TestServer;
  let legacyPage: string;
  beforeAll(async () => {
    // The client's own site: another port is another origin.
    pages = http.createServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end('<!doctype html><title>a client of the API</title><p>client</p>');
    });
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
    pagesPort = (pages.address() as AddressInfo).port;
    // The legacy service's test page, opened from disk: its origin is `null`.
    legacyPage = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cors-page-')), 'test.html');
    fs.writeFileSync(legacyPage, '<!doctype html><title>legacy test page</title><p>legacy</p>');
    server = await startTestServer({
      API_KEYS: KEY,
      CORS_ORIGINS: `http://127.0.0.1:${pagesPort},null`,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => pages?.close(resolve));
    fs.rmSync(path.dirname(legacyPage), { recursive: true, force: true });
  });

  const open = async (url: string): Promise<Page> => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    return page;
  };

  const expectWholeClient = (calls: Calls) => {
    expect(calls.submitted).toBe(200);
    expect(calls.status).toBe('succeeded');
    expect(calls.stream).toMatch(/^data: hello from /m);
    expect(calls.stream).toContain('data: second line');
    expect(calls.stream).toContain('\nevent: end\ndata: {"status":"succeeded","exit_code":0');
    // Resumed after the first line: the rest only.
    expect(calls.resumed).not.toContain('hello from');
    expect(calls.resumed).toContain('data: second line');
    expect(calls.artifact).toBe('a,b\n1,2\n');
    expect(calls.disposition).toMatch(/^inline; filename="?out.csv/);
    expect(calls.missing).toEqual({ status: 404, code: 'JOB_NOT_FOUND' });
  };

  it('lets a page of a listed origin use every job route, with its key', async () => {
    const page = await open(`http://127.0.0.1:${pagesPort}/`);
    expectWholeClient(
      await page.evaluate(clientCalls, { api: server.url, key: KEY, code: PROGRAM }),
    );
  });

  it('lets the legacy test page, opened from disk, do the same (CORS_ORIGINS lists null)', async () => {
    const page = await open(`file://${legacyPage}`);
    expect(await page.evaluate('origin')).toBe('null');
    expectWholeClient(
      await page.evaluate(clientCalls, { api: server.url, key: KEY, code: PROGRAM }),
    );
  });

  it('gives a page of any other origin nothing', async () => {
    // localhost is another origin than 127.0.0.1, on the same page server.
    const page = await open(`http://localhost:${pagesPort}/`);
    const got = await page.evaluate(tryFetch, { url: `${server.url}/jobs`, key: KEY });
    expect(got).toMatch(/^refused: /);
  });

  it('answers preflights with the listed origin, the key header and no credentials', async () => {
    const origin = `http://127.0.0.1:${pagesPort}`;
    const pre = await fetch(`${server.url}/jobs`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(pre.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    expect(pre.headers.get('vary')).toMatch(/Origin/);
    // Another origin's preflight gets no permission.
    const other = await fetch(`${server.url}/jobs`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    // Nothing but the job routes: the operators' routes stay same-origin.
    const metrics = await fetch(`${server.url}/metrics`, { headers: { origin } });
    expect(metrics.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('without CORS_ORIGINS (the default)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ INLINE_WORKER: '0' });
  });
  afterAll(() => server.close());

  it('sends no CORS header, to a preflight or a request', async () => {
    const origin = 'https://app.example.com';
    const pre = await fetch(`${server.url}/jobs`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const list = await fetch(`${server.url}/jobs`, { headers: { origin } });
    expect(list.status).toBe(200);
    expect(list.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows only the Authorization header a server with API keys needs', async () => {
    const keyless = await startTestServer({
      INLINE_WORKER: '0',
      CORS_ORIGINS: 'https://App.example.com:443/',
    });
    try {
      const pre = await fetch(`${keyless.url}/jobs/sync`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://app.example.com',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(pre.headers.get('access-control-allow-headers')).not.toMatch(/Authorization/);
    } finally {
      await keyless.close();
    }
  });
});
