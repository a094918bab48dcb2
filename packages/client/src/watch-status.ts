import type { JobView } from '@job-runner/jobs';
import type { StatusUpdate } from './run-result';
import { sleep } from './sleep';

export interface StatusWatch {
  /** Reports `view` if its status or phase differs from the last one reported. */
  report(view: JobView): void;
  /** Stops polling; resolves once the poll loop has ended. */
  stop(): Promise<void>;
}

/**
 * Polls the job and hands each change of status or phase to `onStatus`. The log stream tells
 * lines and the end, not phases, hence the polling; a failed poll is skipped, not fatal.
 */
export function watchStatus(
  get: (signal: AbortSignal) => Promise<JobView>,
  onStatus: (update: StatusUpdate) => void,
  intervalMs: number,
  last: JobView | null,
): StatusWatch {
  let seen = last ? `${last.status}/${last.phase}` : '';
  const report = (job: JobView) => {
    const key = `${job.status}/${job.phase}`;
    if (key === seen) return;
    seen = key;
    onStatus({ status: job.status, phase: job.phase, job });
  };
  const stopper = new AbortController();
  const loop = (async () => {
    while (!stopper.signal.aborted) {
      try {
        report(await get(stopper.signal));
        await sleep(intervalMs, stopper.signal);
      } catch {
        if (!stopper.signal.aborted) await sleep(intervalMs, stopper.signal).catch(() => undefined);
      }
    }
  })();
  return {
    report,
    async stop() {
      stopper.abort();
      await loop;
    },
  };
}
