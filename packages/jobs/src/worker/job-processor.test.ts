import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job, UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import { createLogger } from '@job-runner/logger';
import {
  OutboundUnavailableError,
  SandboxErrorCode,
  SandboxPlatformError,
  type RunRequest,
  type RunResult,
  type SandboxRunner,
} from '@job-runner/sandbox';
import { PlatformFailureError } from '../errors/platform-failure-error';
import { JobFiles } from '../files/job-files';
import { LocalFileStore } from '../files/local-file-store';
import { LogStore } from '../logs/log-store';
import { createQueue } from '../queue/create-queue';
import type { JobData } from '../queue/job-data';
import { keyBase } from '../queue/queue-names';
import { CancelRegistry } from './cancel-registry';
import { classifyFailure } from './classify-failure';
import { createJobProcessor } from './job-processor';

const logger = createLogger({ level: 'error' });

/** A runner that plays a script instead of running anything (pure logic: a fake is fine). */
function fakeRunner(play: (req: RunRequest) => Promise<RunResult>): SandboxRunner {
  return { kind: 'local', run: play, check: () => Promise.resolve([]) };
}

const ok = (over: Partial<RunResult> = {}): RunResult => ({
  verdict: 'succeeded',
  exitCode: 0,
  durationMs: 5,
  peakMemoryBytes: null,
  cpuTimeMs: null,
  artifacts: [],
  ...over,
});

/** The processor on a real queue and a real Redis, with the runner played by a script. */
describe('the job processor', () => {
  const redis = new Redis(process.env.TEST_REDIS_URL!);
  const queueName = `t-${randomUUID().slice(0, 8)}`;
  const queue = createQueue(queueName, redis, { attempts: 2, backoffMs: 0 });
  const logs = new LogStore(redis, keyBase(redis, queueName));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'processor-'));
  const files = new JobFiles(dataDir);

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    redis.disconnect();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function jobWith(code: string | null, spec: Partial<JobData['spec']> = {}) {
    const id = randomUUID();
    const dirs = files.dirs(id);
    for (const d of [dirs.code, dirs.input, dirs.output]) fs.mkdirSync(d, { recursive: true });
    if (code !== null) fs.writeFileSync(path.join(dirs.code, 'main.py'), code);
    await queue.add(
      'run',
      {
        spec: {
          entry: 'main.py',
          args: [],
          runtime: 'python',
          timeout_sec: 10,
          cpu_limit: 1,
          mem_limit_mb: 128,
          pids_limit: 64,
          net_policy: 'none',
          env: { TOKEN: 'secret-token-value' },
          ...spec,
        },
        files: { code: [], input: [] },
      },
      { jobId: id },
    );
    return (await Job.fromId<JobData>(queue, id))!;
  }

  const processorWith = (runner: SandboxRunner) =>
    createJobProcessor({
      runner,
      files: new LocalFileStore(files),
      secretsKey: null,
      logs,
      cancels: new CancelRegistry(),
      logger,
      runtimes: { python: 'img' },
      maxLogBytes: 1 << 20,
      labels: {},
      isCanceled: () => Promise.resolve(false),
    });

  it('stores every line printed before a run fails, then ends the log after them', async () => {
    const job = await jobWith('print(1)');
    const process = processorWith(
      fakeRunner(async (req) => {
        req.onOutput(Buffer.from('line 1\n'), 'stdout');
        req.onOutput(Buffer.from('line 2\nno newline at the end'), 'stdout');
        await new Promise((r) => setTimeout(r, 5));
        throw new SandboxPlatformError(
          SandboxErrorCode.EngineFailed,
          'it broke: secret-token-value',
        );
      }),
    );
    // The second of two tries: the log ends with it.
    job.attemptsMade = 1;
    const err = await process(job).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformFailureError);
    expect((err as Error).message).toBe('platform error: it broke: [redacted]');
    const read = await logs.readFrom(String(job.id));
    expect(read.ended).toBe(true);
    expect(read.entries.map((e) => e.text).join('')).toBe(
      '[job-runner] attempt 2 of 2 after a platform failure\n' +
        'line 1\nline 2\nno newline at the end\n' +
        '[job-runner] platform error on attempt 2 of 2: it broke: [redacted]\n',
    );
  });

  it('records a success as the return value and ends the log', async () => {
    const job = await jobWith('print(1)');
    const summary = await processorWith(
      fakeRunner((req) => {
        req.onOutput(Buffer.from('hello\n'), 'stdout');
        return Promise.resolve(ok({ cpuTimeMs: 7 }));
      }),
    )(job);
    expect(summary).toMatchObject({ exit_code: 0, error: null, cpu_time_ms: 7 });
    expect(await logs.text(String(job.id))).toBe('hello\n');
    expect((await logs.readFrom(String(job.id))).ended).toBe(true);
  });

  it('fails a missing entry file for good, without a run', async () => {
    const job = await jobWith(null);
    let ran = false;
    const err = await processorWith(
      fakeRunner(() => {
        ran = true;
        return Promise.resolve(ok());
      }),
    )(job).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect((err as Error).message).toBe('missing entry file');
    expect(ran).toBe(false);
  });

  it('fails a program that failed for good, with its verdict', async () => {
    const job = await jobWith('x');
    const err = await processorWith(
      fakeRunner(() => Promise.resolve(ok({ verdict: 'timeout', exitCode: null }))),
    )(job).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect((err as Error).message).toBe('timeout');
    expect(await logs.text(String(job.id))).toContain('killed after timeout_sec=10');
  });
});

describe('classifyFailure', () => {
  it('refuses an outbound job the worker cannot firewall, for good', () => {
    expect(classifyFailure(new OutboundUnavailableError('no bridge'), {})).toMatchObject({
      kind: 'refused',
      error: 'outbound network unavailable',
    });
  });

  it('tells an engine that is away from any other platform failure', () => {
    const down = new SandboxPlatformError(SandboxErrorCode.EngineUnreachable, 'engine gone');
    expect(classifyFailure(down, {})).toEqual({ kind: 'engine-down', reason: 'engine gone' });
    const other = new SandboxPlatformError(SandboxErrorCode.ImageMissing, 'image gone');
    expect(classifyFailure(other, {})).toEqual({ kind: 'platform', reason: 'image gone' });
  });

  it('labels the unexpected, and scrubs secret values from every reason', () => {
    expect(classifyFailure(new TypeError('x is pw-123456'), { P: 'pw-123456' })).toEqual({
      kind: 'platform',
      reason: 'unexpected: x is [redacted]',
    });
  });
});
