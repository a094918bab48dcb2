import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { describeDocker } from '../helpers/docker';
import { eventually } from '../helpers/eventually';
import { startTestServer, type TestServer } from '../helpers/test-server';

// Debian's Chromium, never a downloaded browser: the machine may be offline.
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = process.env.PLAYGROUND_SCREENSHOTS === '1';
const KEY = 'playground-key-0123456789abcdef';

async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: the playground's browser test needs Debian's Chromium ` +
        '(apt-get install -y chromium)',
    );
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
    ],
  });
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS) await page.screenshot({ path: `/tmp/playground-${name}.png`, fullPage: true });
}

/** A page that may talk to `origin` only: anything else is refused and recorded. */
interface Watched {
  page: Page;
  context: BrowserContext;
  /** Requests that left the server's origin. */
  foreign: string[];
  /** Every URL requested (to check a key never travels in one). */
  urls: string[];
  /** Script errors, and console errors other than failed HTTP answers. */
  errors: string[];
  /** Content-Security-Policy violations the browser reported. */
  cspViolations: string[];
}

async function watchedPage(
  browser: Browser,
  origin: string,
  viewport = { width: 1280, height: 900 },
): Promise<Watched> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const w: Watched = { page, context, foreign: [], urls: [], errors: [], cspViolations: [] };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    w.urls.push(url);
    if (url.startsWith(`${origin}/`) || url.startsWith('blob:') || url.startsWith('data:'))
      return route.continue();
    w.foreign.push(url);
    return route.abort();
  });
  page.on('pageerror', (err) => w.errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content.Security.Policy|Refused to/i.test(text)) w.cspViolations.push(text);
    // A 401 or 409 answer is logged by the browser itself; the page handles those.
    else if (msg.type() === 'error' && !/Failed to load resource/.test(text)) w.errors.push(text);
  });
  return w;
}

/** The editor's content, through Ace's own API (typing would meet its auto-indent). */
async function setCode(page: Page, code: string): Promise<void> {
  await page.evaluate((text) => {
    const g = globalThis as unknown as {
      ace: { edit(el: unknown): { setValue(v: string, cursor: number): void } };
      document: { querySelector(sel: string): unknown };
    };
    g.ace.edit(g.document.querySelector('[data-testid="code"]')).setValue(text, -1);
  }, code);
}

const text = async (page: Page, testId: string) =>
  (await page.getByTestId(testId).textContent()) ?? '';

/** Waits until the element with `testId` holds `needle`. */
const waitForText = (page: Page, testId: string, needle: string, timeout = 90_000) =>
  page.getByTestId(testId).filter({ hasText: needle }).waitFor({ timeout });

const fact = async (page: Page, name: string) =>
  page.getByTestId('status').locator(`[data-fact="${name}"]`).textContent();

/** Waits until an <img> of the artifacts is decoded; its natural width. */
const imageWidth = (page: Page, alt: string) =>
  eventually(
    `the ${alt} image drawn`,
    () =>
      page
        .getByTestId('artifacts')
        .locator(`img[alt="${alt}"]`)
        .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
    30_000,
  );

const tableCells = (page: Page) =>
  page
    .getByTestId('artifacts')
    .locator('table tr')
    .evaluateAll((rows) =>
      rows.map((row) =>
        Array.from(
          (row as unknown as { children: ArrayLike<{ textContent: string }> }).children,
        ).map((cell) => cell.textContent),
      ),
    );

/** The page's sessionStorage, as page.evaluate sees it (the test has no DOM types). */
interface SessionStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('the playground page', () => {
  let server: TestServer;
  beforeAll(async () => {
    // No worker: these tests never run a job. With keys: the page itself must stay public.
    server = await startTestServer({ INLINE_WORKER: '0', API_KEYS: KEY });
  });
  afterAll(() => server.close());

  it('is served at / without a key, under a strict CSP, and names no other origin', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("img-src 'self' blob: data:");
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/); // no inline script
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline handler

    // The page's files, and the modules they import: ours hold no URL of another origin at all.
    const own = [...html.matchAll(/(?:src|href)="(\/playground\/[^"]+)"/g)].map((m) => m[1]);
    const pending = own.filter((p) => !p.startsWith('/playground/ace'));
    const seen = new Set<string>();
    while (pending.length) {
      const asset = pending.pop()!;
      if (seen.has(asset)) continue;
      seen.add(asset);
      const r = await fetch(server.url + asset);
      expect([asset, r.status]).toEqual([asset, 200]);
      expect(r.headers.get('content-security-policy')).toBe(csp);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      const body = await r.text();
      expect([asset, body.match(/https?:\/\/[^\s'"`)]*/g)]).toEqual([asset, null]);
      for (const m of body.matchAll(/from '\.\/([\w.-]+\.js)'/g))
        pending.push(`/playground/${m[1]}`);
    }
    expect([...seen].sort()).toEqual(
      [
        '/playground/api.js',
        '/playground/app.js',
        '/playground/csv.js',
        '/playground/sse.js',
        '/playground/style.css',
      ].sort(),
    );
    // Ace's files come from the installed package, through this server.
    for (const asset of own.filter((p) => p.startsWith('/playground/ace'))) {
      const r = await fetch(server.url + asset);
      expect([asset, r.status]).toEqual([asset, 200]);
    }
    expect((await fetch(`${server.url}/playground/nope.js`)).status).toBe(404);
  });

  it('loads offline: no request leaves the origin, no CSP violation, no script error', async () => {
    const w = await watchedPage(browser, server.url);
    try {
      await w.page.goto(`${server.url}/`);
      await w.page
        .locator('.ace_editor .ace_content')
        .filter({ hasText: 'JOB_OUTPUT_DIR' })
        .waitFor();
      // Ace's look comes from its CSS files (strict-CSP mode): the theme applies.
      const background = await w.page.locator('.ace_editor').evaluate(
        (el) =>
          (
            globalThis as unknown as {
              getComputedStyle(e: unknown): { backgroundColor: string };
            }
          ).getComputedStyle(el).backgroundColor,
      );
      expect(background).toBe('rgb(255, 255, 255)');
      // The spec's defaults come from the server's own description.
      expect(await w.page.locator('input[name="timeout_sec"]').getAttribute('placeholder')).toBe(
        '60',
      );
      await w.page.waitForLoadState('networkidle');
      await screenshot(w.page, 'start');
      expect(w.foreign).toEqual([]);
      expect(w.cspViolations).toEqual([]);
      expect(w.errors).toEqual([]);
    } finally {
      await w.context.close();
    }
  });

  it("parses CSV and Server-Sent Events by their rules (the page's own modules)", async () => {
    const w = await watchedPage(browser, server.url);
    try {
      await w.page.goto(`${server.url}/`);
      // A string, not a function: the test's compiler would turn import() into require().
      const got = await w.page.evaluate(`(async () => {
        const { parseCsv } = await import('/playground/csv.js');
        const { readEvents } = await import('/playground/sse.js');
        const csv = [
          parseCsv('\\uFEFFa,b\\r\\n"x\\r\\ny",""""\\r\\n,\\nlast,row'),
          parseCsv('1\\n2\\n3\\n4\\n', 2),
        ];
        // A CRLF split across chunks, a comment, two data lines, an event with no data, and an
        // event the stream cut off (never dispatched).
        const chunks = [
          'id: 1\\r',
          '\\ndata: one\\r\\n\\r\\n: keep-alive\\n\\n',
          'id: 2\\ndata:two\\ndata:  lines\\n\\nevent: ping\\n\\n',
          'event: end\\ndata: {"status":"succeeded"}\\n\\ndata: cut off',
        ];
        const body = new ReadableStream({
          start(c) {
            for (const t of chunks) c.enqueue(new TextEncoder().encode(t));
            c.close();
          },
        });
        const events = [];
        await readEvents(body, (e) => events.push(e));
        return { csv, events };
      })()`);
      expect(got).toEqual({
        csv: [
          {
            rows: [
              ['a', 'b'],
              ['x\r\ny', '"'],
              ['', ''],
              ['last', 'row'],
            ],
            truncated: false,
          },
          { rows: [['1'], ['2']], truncated: true },
        ],
        events: [
          { type: 'message', data: 'one', id: '1' },
          { type: 'message', data: 'two\n lines', id: '2' },
          { type: 'end', data: '{"status":"succeeded"}', id: '2' },
        ],
      });
    } finally {
      await w.context.close();
    }
  });

  it('shows why a submission was refused and marks the field', async () => {
    const w = await watchedPage(browser, server.url);
    try {
      await w.page.goto(`${server.url}/`);
      await w.page.evaluate(
        (key) =>
          (globalThis as unknown as { sessionStorage: SessionStorage }).sessionStorage.setItem(
            'job-runner.api-key',
            key,
          ),
        KEY,
      );
      await w.page.locator('input[name="timeout_sec"]').fill('100000');
      await w.page.getByTestId('run').click();
      await w.page.locator('#message').filter({ hasText: 'timeout_sec' }).waitFor();
      expect(await w.page.locator('#message').textContent()).toContain('INVALID_INPUT');
      expect(await w.page.locator('input[name="timeout_sec"]').getAttribute('aria-invalid')).toBe(
        'true',
      );
      expect(await w.page.getByTestId('run').isEnabled()).toBe(true);
    } finally {
      await w.context.close();
    }
  });
});

describeDocker('the playground running jobs', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('streams output live, then shows the verdict, the plot and the CSV as a table', async () => {
    const w = await watchedPage(browser, server.url);
    const { page } = w;
    try {
      await page.goto(`${server.url}/`);
      await setCode(
        page,
        `import csv, os, time
import matplotlib.pyplot as plt
print("first", flush=True)
print("input says", open(os.path.join(os.environ["JOB_INPUT_DIR"], "data.txt"), encoding="utf-8").read().strip(), flush=True)
time.sleep(3)
out = os.environ["JOB_OUTPUT_DIR"]
plt.plot([1, 2, 3], [1, 4, 9])
plt.savefig(os.path.join(out, "plot.png"))
with open(os.path.join(out, "table.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "note"])
    w.writerow(["a, b", 'say "hi"'])
    w.writerow(["multi", "line1\\nline2"])
    for i in range(60):
        w.writerow([f"row{i}", i])
print("second", flush=True)
`,
      );
      await page.locator('input[name="timeout_sec"]').fill('60');
      await page.getByTestId('input-files').setInputFiles({
        name: 'data.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('héllo ✓\n'),
      });
      await page.getByTestId('run').click();

      // Live: the first line shows while the program still sleeps before the second.
      await waitForText(page, 'output', 'first');
      expect(await text(page, 'status')).toContain('running');
      expect(await text(page, 'output')).not.toContain('second');
      expect(await page.getByTestId('cancel').isVisible()).toBe(true);
      await waitForText(page, 'output', 'input says héllo ✓');
      await screenshot(page, 'running');

      await waitForText(page, 'status', 'succeeded');
      expect(await text(page, 'output')).toContain('second');
      expect(await fact(page, 'exit_code')).toBe('0');
      expect(await fact(page, 'error')).toBe('none');
      expect(await fact(page, 'duration')).toMatch(/^\d+(\.\d+)? m?s$/);
      expect(await fact(page, 'peak_memory')).toMatch(/B$|—/);
      expect(await page.getByTestId('cancel').isVisible()).toBe(false);

      // The job's address is in the URL and on the page.
      const id = /#job=([0-9a-f-]{36})$/.exec(page.url())?.[1];
      expect(id).toBeDefined();
      expect(await text(page, 'job-id')).toBe(id);

      // Artifacts: links, the plot drawn, the CSV parsed (quotes, commas, line breaks) and cut.
      const links = page.getByTestId('artifacts').locator('a');
      expect(await links.allTextContents()).toEqual(['plot.png', 'table.csv']);
      expect(await links.first().getAttribute('href')).toBe(`/jobs/${id}/artifacts/plot.png`);
      expect(await imageWidth(page, 'plot.png')).toBeGreaterThan(0);
      await page.getByTestId('artifacts').locator('table').waitFor();
      const cells = await tableCells(page);
      expect(cells.slice(0, 3)).toEqual([
        ['name', 'note'],
        ['a, b', 'say "hi"'],
        ['multi', 'line1\nline2'],
      ]);
      expect(cells).toHaveLength(50);
      expect(cells[49]).toEqual(['row46', '46']);
      expect(await text(page, 'artifacts')).toContain('first 50 rows shown');
      // A plain link downloads the file (no key on this server).
      const [download] = await Promise.all([page.waitForEvent('download'), links.nth(1).click()]);
      expect(download.suggestedFilename()).toBe('table.csv');
      await screenshot(page, 'finished');

      // Reopened from its URL: the same output, verdict and artifacts.
      const again = await w.context.newPage();
      await again.goto(page.url());
      await waitForText(again, 'status', 'succeeded');
      await waitForText(again, 'output', 'second');
      expect(await text(again, 'output')).toBe(await text(page, 'output'));
      expect(await imageWidth(again, 'plot.png')).toBeGreaterThan(0);
      await again.getByTestId('artifacts').locator('table').waitFor();
      expect(await tableCells(again)).toEqual(cells);
      await again.close();

      expect(w.foreign).toEqual([]);
      expect(w.cspViolations).toEqual([]);
      expect(w.errors).toEqual([]);
    } finally {
      await w.context.close();
    }
  });

  it('runs the sample program it opens with', async () => {
    const w = await watchedPage(browser, server.url);
    const { page } = w;
    try {
      await page.goto(`${server.url}/`);
      await page
        .locator('.ace_editor .ace_content')
        .filter({ hasText: 'JOB_OUTPUT_DIR' })
        .waitFor();
      await page.keyboard.press('Control+Enter'); // the shortcut, from anywhere on the page
      await waitForText(page, 'output', 'step 1 of 3');
      await waitForText(page, 'status', 'succeeded');
      expect(await text(page, 'output')).toContain('wrote plot.png and squares.csv');
      expect(await page.getByTestId('artifacts').locator('a').allTextContents()).toEqual([
        'plot.png',
        'squares.csv',
      ]);
      expect(await imageWidth(page, 'plot.png')).toBeGreaterThan(0);
      await page.getByTestId('artifacts').locator('table').waitFor();
      const cells = await tableCells(page);
      expect(cells.slice(0, 3)).toEqual([
        ['x', 'x squared', 'note'],
        ['0', '0', 'even, fine'],
        ['1', '1', 'odd "one"'],
      ]);
      expect(cells).toHaveLength(12);
      expect(w.cspViolations).toEqual([]);
      expect(w.errors).toEqual([]);
    } finally {
      await w.context.close();
    }
  });

  it('shows a failing program as failed, with its exit code and output', async () => {
    const w = await watchedPage(browser, server.url);
    const { page } = w;
    try {
      await page.goto(`${server.url}/`);
      await setCode(
        page,
        'import sys\nprint("about to fail", flush=True)\nprint("oops", file=sys.stderr)\nsys.exit(3)\n',
      );
      await page.getByTestId('run').click();
      await waitForText(page, 'status', 'failed');
      expect(await fact(page, 'exit_code')).toBe('3');
      expect(await fact(page, 'error')).toBe('non-zero exit');
      expect(await text(page, 'output')).toContain('about to fail');
      expect(await text(page, 'output')).toContain('oops');
      expect(await text(page, 'artifacts')).toContain('No artifacts.');
      await screenshot(page, 'failed');
      expect(w.cspViolations).toEqual([]);
      expect(w.errors).toEqual([]);
    } finally {
      await w.context.close();
    }
  });

  it('cancels a running job', async () => {
    const w = await watchedPage(browser, server.url, { width: 420, height: 900 });
    const { page } = w;
    try {
      await page.goto(`${server.url}/`);
      await setCode(page, 'import time\nprint("waiting", flush=True)\ntime.sleep(60)\n');
      await page.getByTestId('run').click();
      await waitForText(page, 'output', 'waiting');
      // A narrow window: one column, nothing wider than the screen.
      const scrollWidth = await page.evaluate(
        () =>
          (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
            .document.documentElement.scrollWidth,
      );
      expect(scrollWidth).toBeLessThanOrEqual(420);
      await screenshot(page, 'narrow');
      await page.getByTestId('cancel').click();
      await waitForText(page, 'status', 'canceled', 30_000);
      expect(await fact(page, 'error')).toBe('canceled');
      expect(await page.getByTestId('run').isEnabled()).toBe(true);
      expect(w.cspViolations).toEqual([]);
    } finally {
      await w.context.close();
    }
  });
});

describeDocker('the playground with API keys', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ API_KEYS: KEY });
  });
  afterAll(() => server.close());

  it('asks for the key, keeps it in the tab and sends it as a header only', async () => {
    const w = await watchedPage(browser, server.url);
    const { page } = w;
    try {
      await page.goto(`${server.url}/`);
      expect(await page.getByTestId('api-key').isVisible()).toBe(false);
      await setCode(
        page,
        'import os\nprint("with a key", flush=True)\nimport matplotlib.pyplot as plt\nplt.plot([0, 1])\nplt.savefig(os.path.join(os.environ["JOB_OUTPUT_DIR"], "plot.png"))\n',
      );
      await page.getByTestId('run').click();

      // The page asks (a field of its own, not window.prompt); a wrong key is refused.
      await page.getByTestId('api-key').waitFor();
      await page.getByTestId('api-key').fill('not-the-key-0123456789');
      await page.getByTestId('api-key').press('Enter');
      await page.locator('#auth-message').filter({ hasText: 'refused' }).waitFor();
      await screenshot(page, 'api-key');
      await page.getByTestId('api-key').fill(KEY);
      await page.getByTestId('save-key').click();

      await waitForText(page, 'status', 'succeeded');
      expect(await text(page, 'output')).toContain('with a key');
      expect(await page.getByTestId('api-key').isVisible()).toBe(false);
      // The image came through fetch() with the header, shown from a blob: URL.
      expect(await imageWidth(page, 'plot.png')).toBeGreaterThan(0);
      expect(await page.getByTestId('artifacts').locator('img').getAttribute('src')).toMatch(
        /^blob:/,
      );
      const stored = await page.evaluate(() =>
        (globalThis as unknown as { sessionStorage: SessionStorage }).sessionStorage.getItem(
          'job-runner.api-key',
        ),
      );
      expect(stored).toBe(KEY);
      // A download with the key goes through the page, under the artifact's name.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('artifacts').locator('a').first().click(),
      ]);
      expect(download.suggestedFilename()).toBe('plot.png');

      // A reload in the same tab keeps the key: the job reopens without asking.
      await page.reload();
      await waitForText(page, 'status', 'succeeded');
      await waitForText(page, 'output', 'with a key');
      expect(await page.getByTestId('api-key').isVisible()).toBe(false);

      expect(w.urls.filter((u) => u.includes(KEY))).toEqual([]);
      expect(w.foreign).toEqual([]);
      expect(w.cspViolations).toEqual([]);
      expect(w.errors).toEqual([]);
    } finally {
      await w.context.close();
    }
  });
});
