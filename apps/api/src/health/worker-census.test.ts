import type { WorkerRegistry } from '@job-runner/jobs';
import { workerWarning } from './worker-census';

const registry = (census: () => Promise<{ alive: number; lastBeatMs: number | null }>) =>
  ({ census }) as unknown as WorkerRegistry;

describe('workerWarning', () => {
  it('says nothing while a worker is alive', async () => {
    const r = registry(() => Promise.resolve({ alive: 2, lastBeatMs: Date.now() }));
    expect(await workerWarning(r)).toEqual({ alive: 2, warning: null });
  });

  it('says no worker ever took jobs from a queue no worker ever beat in', async () => {
    const r = registry(() => Promise.resolve({ alive: 0, lastBeatMs: null }));
    expect((await workerWarning(r)).warning).toMatch(/no worker has ever taken jobs/);
  });

  it('waits a grace period after the last worker went before saying so', async () => {
    const recent = registry(() => Promise.resolve({ alive: 0, lastBeatMs: Date.now() - 5_000 }));
    expect((await workerWarning(recent)).warning).toBeNull();
    const long = registry(() => Promise.resolve({ alive: 0, lastBeatMs: Date.now() - 95_000 }));
    expect((await workerWarning(long)).warning).toMatch(/^no worker alive for 95 s/);
  });

  it('says nothing, rather than fail the answer, when the census cannot be taken', async () => {
    const r = registry(() => Promise.reject(new Error('Connection is closed.')));
    expect(await workerWarning(r)).toEqual({ alive: 0, warning: null });
  });
});
