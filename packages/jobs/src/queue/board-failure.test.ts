import { boardFailure, explainVerdict } from './board-failure';
import { STALLED_REASON } from './bullmq-internals';
import type { RunSummary } from './job-data';
import { WORKER_LOST } from './job-view';

const STACK = [
  'UnrecoverableError: non-zero exit\n    at failForGood (/app/record-outcome.ts:62:9)',
];
const spec = { entry: 'main.py', timeout_sec: 2, mem_limit_mb: 96 };

/** A job as BullMQ's JSON has it once the worker failed it for good with `error`. */
const failedRun = (error: string, exit_code: number | null = null) => ({
  failedReason: error,
  stacktrace: STACK,
  progress: { phase: 'finished', result: { exit_code, error } as RunSummary },
  data: { spec },
});

describe('boardFailure', () => {
  it.each([
    ['non-zero exit', 3, 'non-zero exit (exit code 3)'],
    ['timeout', null, 'timeout after 2 s'],
    ['oom', null, 'oom at 96 MB'],
    ['missing entry file', null, 'missing entry file (main.py)'],
    ['outbound network unavailable', null, 'outbound network unavailable'],
    ['canceled', null, 'canceled'],
  ])('shows the program’s %s as a verdict, with no stack', (error, code, shown) => {
    expect(boardFailure(failedRun(error, code))).toEqual({ failedReason: shown, stacktrace: [] });
  });

  it('shows a cancel before any run as a verdict too', () => {
    expect(boardFailure({ failedReason: 'canceled', stacktrace: STACK, progress: 0 })).toEqual({
      failedReason: 'canceled',
      stacktrace: [],
    });
  });

  it('leaves a platform error as it is, stack included', () => {
    const job = {
      failedReason: 'platform error: sandbox image x is missing',
      stacktrace: ['PlatformFailureError: platform error: ...\n    at processJob (...)'],
      progress: { phase: 'preparing' },
      data: { spec },
    };
    expect(boardFailure(job)).toBeNull();
  });

  it('does not take a platform error for a verdict an earlier run left in the progress', () => {
    const job = { ...failedRun('non-zero exit', 1), failedReason: 'platform error: gone' };
    expect(boardFailure(job)).toBeNull();
  });

  it('words a stalled job as the job view does, keeping what stack there is', () => {
    expect(boardFailure({ failedReason: STALLED_REASON, stacktrace: [] })).toEqual({
      failedReason: WORKER_LOST,
      stacktrace: [],
    });
  });

  it('has nothing to show for a job that did not fail', () => {
    expect(boardFailure({ failedReason: undefined, progress: { phase: 'running' } })).toBeNull();
  });

  it('falls back to the bare verdict when what explains it is missing', () => {
    expect(explainVerdict('non-zero exit', undefined, undefined)).toBe('non-zero exit');
    expect(explainVerdict('timeout', { exit_code: null }, {})).toBe('timeout');
  });
});
