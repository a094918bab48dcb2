import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Client } from '../helpers/client';
import { describeDocker } from '../helpers/docker';
import { basic } from '../helpers/operator';
import { TempImage } from '../helpers/temp-image';
import { startTestServer, type TestServer } from '../helpers/test-server';

// Debian's Chromium, never a downloaded browser: the machine may be offline.
const CHROMIUM = '/usr/bin/chromium';
/** BOARD_SCREENSHOTS=1 saves the board's pages of a user failure and a platform error. */
const SCREENSHOTS = process.env.BOARD_SCREENSHOTS === '1';
const ADMIN = { ADMIN_USER: 'ops', ADMIN_PASSWORD: 'board-password-1' };
const auth = { authorization: basic(ADMIN.ADMIN_USER, ADMIN.ADMIN_PASSWORD) };

/** A job as the board's API gives it. */
interface BoardJob {
  id: string;
  name: string;
  failedReason?: string;
  stacktrace: string[];
  externalUrl?: { href: string; displayText?: string };
}

describeDocker('the admin board tells verdicts, not crashes', () => {
  let server: TestServer;
  let client: Client;
  let board: string;
  let image: TempImage;
  let browser: Browser | undefined;
  beforeAll(async () => {
    // A second runtime whose image goes missing: a platform error on demand.
    image = new TempImage();
    server = await startTestServer({
      ...ADMIN,
      RUNTIMES: `doomed=${image.name}`,
      JOB_ATTEMPTS: '1',
      WORKER_CONCURRENCY: '2',
      // Every job makes its sandbox: a pooled one, made before, would not miss the image.
      SANDBOX_POOL_SIZE: '0',
    });
    image.remove();
    client = new Client(server.url);
    board = `${server.url}/admin/queues/api/queues/${server.config.queueName}`;
  });
  afterAll(async () => {
    await browser?.close();
    await server.close();
    image.dispose();
  });

  const boardJob = async (id: string): Promise<BoardJob> => {
    const res = await fetch(`${board}/${id}`, { headers: auth });
    expect(res.status).toBe(200);
    return ((await res.json()) as { job: BoardJob }).job;
  };

  /** The job page of the board in Chromium, as an operator sees it (its Error tab open). */
  /** The board's page of a job, on its Error tab, once that tab shows `shows`. */
  const boardPage = async (id: string, shows: string): Promise<Page> => {
    browser ??= await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      httpCredentials: { username: ADMIN.ADMIN_USER, password: ADMIN.ADMIN_PASSWORD },
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/admin/queues/queue/${server.config.queueName}/${id}`);
    // The board re-renders the job as it polls, and a render can land back on another tab:
    // choose the Error tab again until what it shows is there.
    for (let tries = 1; ; tries++) {
      await page.getByRole('tab', { name: /error/i }).click();
      try {
        await page.getByText(shows).first().waitFor({ timeout: 3000 });
        return page;
      } catch (err) {
        if (tries === 5) throw err;
      }
    }
  };

  it('shows a user failure as its verdict and exit code, no stack, under its given name', async () => {
    const { job } = await client.run('import sys\nprint("bad input", flush=True)\nsys.exit(3)', {
      name: 'nightly sales report',
    });
    // The contract is untouched: the view says what it always said.
    expect(job).toMatchObject({ status: 'failed', exit_code: 3, error: 'non-zero exit' });
    const shown = await boardJob(job.id);
    expect(shown).toMatchObject({
      name: 'nightly sales report',
      failedReason: 'non-zero exit (exit code 3)',
      stacktrace: [],
      externalUrl: { href: `/#job=${job.id}` },
    });
    // The list of failed jobs says the same.
    const list = (await (
      await fetch(
        `${server.url}/admin/queues/api/queues?activeQueue=${server.config.queueName}&status=failed&page=1&jobsPerPage=50`,
        { headers: auth },
      )
    ).json()) as { queues: { name: string; jobs: BoardJob[] }[] };
    const listed = list.queues
      .find((q) => q.name === server.config.queueName)!
      .jobs.find((j) => j.id === job.id);
    expect(listed).toMatchObject({ failedReason: 'non-zero exit (exit code 3)', stacktrace: [] });

    const page = await boardPage(job.id, 'non-zero exit (exit code 3)');
    const text = await page.locator('body').innerText();
    expect(text).toContain('nightly sales report');
    expect(text).toContain('non-zero exit (exit code 3)');
    expect(text).not.toContain('UnrecoverableError');
    expect(text).not.toMatch(/node_modules|\.ts:\d+/);
    const link = page.getByRole('link', { name: 'open in the playground' });
    expect(await link.getAttribute('href')).toBe(`/#job=${job.id}`);
    if (SCREENSHOTS) await page.screenshot({ path: '/tmp/board-user-failure.png' });
  });

  it('explains a timeout, an oom and a cancel by the limit or the act behind them', async () => {
    const timeout = await client.run('import time\ntime.sleep(30)', { timeout_sec: 2 });
    const oom = await client.run('b = b"x" * (400 * 1024 * 1024)\nprint(len(b))', {
      mem_limit_mb: 96,
    });
    const id = await client.submit({
      code: 'import time\nprint("up", flush=True)\ntime.sleep(60)',
    });
    await client.waitStatus(id, 'running');
    expect((await fetch(`${server.url}/jobs/${id}/cancel`, { method: 'POST' })).status).toBe(200);
    const canceled = await client.waitEnded(id);
    expect([timeout.job.error, oom.job.error, canceled.error]).toEqual([
      'timeout',
      'oom',
      'canceled',
    ]);
    expect(await boardJob(timeout.job.id)).toMatchObject({
      name: 'main.py (python)',
      failedReason: 'timeout after 2 s',
      stacktrace: [],
    });
    expect(await boardJob(oom.job.id)).toMatchObject({
      failedReason: 'oom at 96 MB',
      stacktrace: [],
    });
    expect(await boardJob(id)).toMatchObject({ failedReason: 'canceled', stacktrace: [] });
  });

  it('keeps a platform error’s stack, where it helps', async () => {
    const { job } = await client.run('print(1)', { runtime: 'doomed' });
    expect(job.error).toMatch(/^platform error: sandbox image .* is missing/);
    const shown = await boardJob(job.id);
    expect(shown.name).toBe('main.py (doomed)');
    expect(shown.failedReason).toBe(job.error);
    expect(shown.stacktrace.join('\n')).toMatch(/PlatformFailureError: platform error: .*\n\s+at /);

    const page = await boardPage(job.id, 'PlatformFailureError');
    const text = await page.locator('body').innerText();
    expect(text).toContain('PlatformFailureError');
    if (SCREENSHOTS) {
      await page.screenshot({ path: '/tmp/board-platform-error.png' });
      // The failed list: every job by its name, each with its verdict.
      await page.goto(`${server.url}/admin/queues/queue/${server.config.queueName}?status=failed`);
      await page.getByText('non-zero exit (exit code 3)').first().waitFor();
      await page.screenshot({ path: '/tmp/board-failed-list.png', fullPage: true });
    }
  });
});

if (SCREENSHOTS && !fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing`);
