import type { Logger } from '@job-runner/logger';

/**
 * Runs an async task now and then every `intervalMs`, never two at once; a failing run is
 * logged and the next one still comes. The timer does not keep the process alive.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly task: () => Promise<unknown>,
    private readonly log: Logger,
  ) {}

  /** Starts the schedule; resolves when the first run has ended (its failure is only logged). */
  start(): Promise<void> {
    this.stopped = false;
    return this.runOnce();
  }

  /** Runs the task now (or waits for the run in progress). */
  runOnce(): Promise<void> {
    if (this.current) return this.current;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const run = this.task()
      .then(
        () => undefined,
        (err: unknown) => {
          this.log.warn(`${this.name} failed`, { error: (err as Error).message });
        },
      )
      .finally(() => {
        this.current = null;
        if (!this.stopped) {
          this.timer = setTimeout(() => void this.runOnce(), this.intervalMs);
          this.timer.unref();
        }
      });
    this.current = run;
    return run;
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.current;
  }
}
