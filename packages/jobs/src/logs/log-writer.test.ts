import type { LogStore } from './log-store';
import { LogWriter } from './log-writer';

/** A store that records appends, slowly, and fails when told to (pure logic: a fake is fine). */
function fakeStore(failOn?: string) {
  const appended: string[] = [];
  const store = {
    async append(_id: string, text: string) {
      await new Promise((r) => setTimeout(r, 5));
      if (failOn && text.includes(failOn)) throw new Error(`append failed on ${failOn}`);
      appended.push(text);
    },
  } as unknown as LogStore;
  return { store, appended };
}

describe('LogWriter', () => {
  it('batches writes into one append per flush, in order, nothing lost', async () => {
    const { store, appended } = fakeStore();
    const flushed: string[] = [];
    const w = new LogWriter(store, 'j', {
      flushBytes: 10,
      flushMs: 1000,
      onFlush: (t) => flushed.push(t),
    });
    w.write('a\n');
    w.write('b\n');
    w.write('0123456789\n'); // over flushBytes: flushed at once
    w.write('c\n');
    await w.close();
    expect(appended.join('')).toBe('a\nb\n0123456789\nc\n');
    expect(appended).toEqual(['a\nb\n0123456789\n', 'c\n']);
    expect(flushed).toEqual(appended);
  });

  it('flushes on its timer when little is written', async () => {
    const { store, appended } = fakeStore();
    const w = new LogWriter(store, 'j', { flushMs: 20 });
    w.write('x\n');
    await new Promise((r) => setTimeout(r, 80));
    expect(appended).toEqual(['x\n']);
    await w.close();
  });

  it('rethrows the first failed append on close, after trying the rest', async () => {
    const { store, appended } = fakeStore('bad');
    const w = new LogWriter(store, 'j', { flushBytes: 1 });
    w.write('bad\n');
    w.write('good\n');
    await expect(w.close()).rejects.toThrow('append failed on bad');
    expect(appended).toEqual(['good\n']);
  });
});
