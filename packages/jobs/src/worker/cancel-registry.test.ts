import { CancelRegistry } from './cancel-registry';

describe('CancelRegistry.idle', () => {
  it('resolves at once with nothing running, and once the last run is released', async () => {
    const runs = new CancelRegistry();
    await runs.idle();
    runs.register('a');
    runs.register('b');
    let idle = false;
    const waiting = runs.idle().then(() => (idle = true));
    runs.release('a');
    await new Promise((r) => setImmediate(r));
    expect(idle).toBe(false);
    runs.release('b');
    await waiting;
    expect(idle).toBe(true);
  });
});
