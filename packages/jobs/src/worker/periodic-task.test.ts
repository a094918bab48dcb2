import { createLogger } from '@job-runner/logger';
import { PeriodicTask } from './periodic-task';

const logger = createLogger({ level: 'error' });

describe('PeriodicTask', () => {
  it('runs at start, then every interval, never two at once', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const task = new PeriodicTask(
      't',
      10,
      async () => {
        running++;
        most = Math.max(most, running);
        runs++;
        await new Promise((r) => setTimeout(r, 15));
        running--;
      },
      logger,
    );
    await task.start();
    expect(runs).toBe(1);
    void task.runOnce(); // while idle: runs now
    const same = task.runOnce(); // while running: the same run
    await same;
    await new Promise((r) => setTimeout(r, 100));
    await task.stop();
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(most).toBe(1);
    const after = runs;
    await new Promise((r) => setTimeout(r, 50));
    expect(runs).toBe(after);
  });

  it('logs a failing run and keeps its schedule', async () => {
    const warnings: string[] = [];
    const log = { warn: (m: string) => warnings.push(m) } as unknown as typeof logger;
    let runs = 0;
    const task = new PeriodicTask(
      'flaky',
      5,
      () => {
        runs++;
        return Promise.reject(new Error('boom'));
      },
      log,
    );
    await task.start();
    await new Promise((r) => setTimeout(r, 40));
    await task.stop();
    expect(runs).toBeGreaterThan(1);
    expect(warnings[0]).toBe('flaky failed');
  });
});
