import type { Job } from 'bullmq';
import { STALLED_REASON } from './bullmq-internals';
import type { JobData, RunSummary } from './job-data';
import { hasEnded, toJobView, WORKER_LOST } from './job-view';

const summary = (over: Partial<RunSummary> = {}): RunSummary => ({
  exit_code: 0,
  error: null,
  duration_ms: 120,
  cpu_time_ms: 90,
  peak_memory_bytes: 5_000_000,
  artifacts: [{ name: 'a.txt', size: 1 }],
  output_dropped_bytes: 0,
  ...over,
});

const job = (over: Omit<Partial<Job<JobData>>, 'data'> & { data?: Partial<JobData> } = {}) =>
  ({
    id: 'j1',
    timestamp: 1_000,
    attemptsMade: 0,
    attemptsStarted: 0,
    progress: 0,
    returnvalue: null,
    failedReason: undefined,
    finishedOn: undefined,
    processedOn: undefined,
    ...over,
    data: { spec: { entry: 'main.py' }, files: { code: [], input: [] }, ...over.data },
  }) as unknown as Job<JobData>;

describe('toJobView', () => {
  it('shows a queued job as queued, not ended', () => {
    const v = toJobView(job(), 'waiting');
    expect(v).toMatchObject({ status: 'queued', phase: 'queued', finished_at: null, attempts: 0 });
    expect(hasEnded(v)).toBe(false);
  });

  it('shows a running job with its phase and its wait', () => {
    const v = toJobView(
      job({ processedOn: 1_500, attemptsStarted: 1, progress: { phase: 'running' } }),
      'active',
    );
    expect(v).toMatchObject({
      status: 'running',
      phase: 'running',
      queue_wait_ms: 500,
      attempts: 1,
    });
  });

  it('says collecting while a finished run is still being recorded', () => {
    const v = toJobView(
      job({ processedOn: 1_500, progress: { phase: 'finished', result: summary() } }),
      'active',
    );
    expect(v.phase).toBe('collecting');
    expect(hasEnded(v)).toBe(false);
  });

  it('takes a success from the return value, usage included', () => {
    const v = toJobView(
      job({ returnvalue: summary(), finishedOn: 2_000, processedOn: 1_200, attemptsStarted: 1 }),
      'completed',
    );
    expect(v).toMatchObject({
      status: 'succeeded',
      exit_code: 0,
      error: null,
      artifacts: ['a.txt'],
      duration_ms: 120,
      cpu_time_ms: 90,
      peak_memory_bytes: 5_000_000,
      phase: 'finished',
      finished_at: new Date(2_000).toISOString(),
    });
    expect(hasEnded(v)).toBe(true);
  });

  it('takes a failure from the progress, and names a lost worker in our words', () => {
    const failed = toJobView(
      job({
        failedReason: 'non-zero exit',
        finishedOn: 3_000,
        progress: { phase: 'finished', result: summary({ exit_code: 3, error: 'non-zero exit' }) },
      }),
      'failed',
    );
    expect(failed).toMatchObject({ status: 'failed', exit_code: 3, error: 'non-zero exit' });
    const lost = toJobView(job({ failedReason: STALLED_REASON, finishedOn: 3_000 }), 'failed');
    expect(lost).toMatchObject({ status: 'failed', error: WORKER_LOST });
  });

  it('ends a job canceled while queued at its cancel, before any worker drops it', () => {
    const v = toJobView(job({ data: { canceled: true, canceledAt: 4_000 } }), 'waiting');
    expect(v).toMatchObject({
      status: 'canceled',
      error: 'canceled',
      phase: 'finished',
      finished_at: new Date(4_000).toISOString(),
    });
    expect(hasEnded(v)).toBe(true);
  });

  it('counts every start of a job, reruns included', () => {
    expect(toJobView(job({ attemptsStarted: 3, attemptsMade: 1 }), 'active').attempts).toBe(3);
    expect(toJobView(job({ attemptsStarted: 0, attemptsMade: 2 }), 'failed').attempts).toBe(2);
  });
});
