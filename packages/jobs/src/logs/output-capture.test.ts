import { OutputCapture } from './output-capture';

function capture(maxBytes: number, maxLineBytes?: number) {
  const out: string[] = [];
  const c = new OutputCapture({ maxBytes, maxLineBytes, emit: (t) => out.push(t) });
  return { c, out, text: () => out.join('') };
}

describe('OutputCapture', () => {
  it('emits whole lines and keeps a partial line until it is complete', () => {
    const { c, out } = capture(1000);
    c.write(Buffer.from('hel'), 'stdout');
    expect(out).toEqual([]);
    c.write(Buffer.from('lo\nwor'), 'stdout');
    expect(out).toEqual(['hello\n']);
    c.end();
    expect(out).toEqual(['hello\n', 'wor\n']);
  });

  it('never splits a line of one stream with output of the other', () => {
    const { c, text } = capture(1000);
    c.write(Buffer.from('out-'), 'stdout');
    c.write(Buffer.from('err line\n'), 'stderr');
    c.write(Buffer.from('line\n'), 'stdout');
    c.end();
    expect(text()).toBe('err line\nout-line\n');
  });

  it('keeps multi-byte characters split across chunks whole', () => {
    const { c, text } = capture(1000);
    const bytes = Buffer.from('héllo 世界\n');
    c.write(bytes.subarray(0, 2), 'stdout');
    c.write(bytes.subarray(2, 9), 'stdout');
    c.write(bytes.subarray(9), 'stdout');
    c.end();
    expect(text()).toBe('héllo 世界\n');
  });

  it('drops output past the cap and ends with one marker line saying how much', () => {
    const { c, text } = capture(20);
    c.write(Buffer.from('0123456789\n0123456789\n0123456789\n'), 'stdout');
    c.write(Buffer.from('more\n'), 'stdout');
    c.end();
    const lines = text().split('\n');
    expect(lines.slice(0, 2)).toEqual(['0123456789', '012345678']);
    expect(text().match(/\[job-runner\] output limit/g)).toHaveLength(1);
    expect(c.dropped).toBe(33 + 5 - 20);
    expect(text()).toContain(`${c.dropped} more bytes dropped`);
  });

  it('cuts an endless line into pieces instead of holding it whole', () => {
    const { c, out } = capture(10_000_000, 1000);
    for (let i = 0; i < 100; i++) c.write(Buffer.alloc(500, 'x'), 'stdout');
    expect(out.length).toBeGreaterThan(40);
    expect(Math.max(...out.map((t) => t.length))).toBeLessThanOrEqual(1001);
    c.end();
    expect(out.join('').replace(/\n/g, '')).toHaveLength(50_000);
  });

  it('counts as dropped exactly the program bytes it did not keep, however lines were cut', () => {
    const { c, text } = capture(10_000, 1000);
    for (let i = 0; i < 100; i++) c.write(Buffer.alloc(500, 'x'), 'stdout');
    c.write(Buffer.from('tail without newline'), 'stderr');
    c.end();
    // The program wrote no newline: every newline in the log is ours.
    const body = text().slice(0, text().indexOf('[job-runner] output limit'));
    expect(body.replace(/\n/g, '').length + c.dropped).toBe(50_000 + 20);
  });

  it('holds at most one piece of an endless line, even when chunks are larger than a piece', () => {
    const { c, out } = capture(10_000_000, 1000);
    for (let i = 0; i < 10; i++) c.write(Buffer.alloc(5000, 'x'), 'stdout');
    // 50 pieces out, nothing but a piece's worth held back.
    expect(out.join('').replace(/\n/g, '').length).toBeGreaterThanOrEqual(50_000 - 1000);
  });
});
