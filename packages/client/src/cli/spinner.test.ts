import { formatElapsed, Spinner } from './spinner';

describe('Spinner', () => {
  it('draws its label and the elapsed time, clears itself around output and at its stop', () => {
    let t = 1000;
    const written: string[] = [];
    const s = new Spinner({ write: (x: string) => written.push(x) }, () => t);
    s.show('job 5b0f queued');
    t += 2500;
    s.tick();
    expect(s.line()).toBe('⠙ job 5b0f queued 2.5s');
    s.above(() => written.push('OUTPUT'));
    s.stop();
    expect(written).toEqual([
      '\r\x1b[K⠋ job 5b0f queued 0.0s',
      '\r\x1b[K⠙ job 5b0f queued 2.5s',
      '\r\x1b[K',
      'OUTPUT',
      '\r\x1b[K⠙ job 5b0f queued 2.5s',
      '\r\x1b[K',
    ]);
  });

  it('formats elapsed time in seconds, then minutes', () => {
    expect(formatElapsed(0)).toBe('0.0s');
    expect(formatElapsed(59_940)).toBe('59.9s');
    expect(formatElapsed(125_000)).toBe('2m05s');
  });
});
