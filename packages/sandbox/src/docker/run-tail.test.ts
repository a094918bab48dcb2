import { RunTail } from './run-tail';

const MARK = '\0job-runner-end:0123abcd:';

function feed(pieces: (string | Buffer)[]) {
  let output = '';
  const tail = new RunTail(MARK, (c) => (output += c.toString('latin1')));
  const archive: Buffer[] = [];
  tail.archive.on('data', (c: Buffer) => archive.push(c));
  for (const p of pieces) void tail.write(Buffer.isBuffer(p) ? p : Buffer.from(p, 'latin1'));
  tail.end();
  return { tail, output: () => output, archive: () => Buffer.concat(archive).toString('latin1') };
}

describe('RunTail', () => {
  const report = `${MARK}rc 3\noom 1\npeak 4096\ncpu_ns 2000000\nnote "artifact skipped: x"\n\nTARBYTES`;

  it('splits output, the report and the archive, the mark cut anywhere', async () => {
    const all = `hello\nworld${report}`;
    for (let cut = 1; cut < all.length; cut += 3) {
      const { tail, output, archive } = feed([all.slice(0, cut), all.slice(cut)]);
      expect(await tail.report).toEqual({
        exitCode: 3,
        oomKills: 1,
        peakMemoryBytes: 4096,
        cpuTimeNs: 2_000_000,
        notes: ['artifact skipped: x'],
        archive: true,
      });
      expect([cut, output()]).toEqual([cut, 'hello\nworld']);
      expect(archive()).toBe('TARBYTES');
    }
  });

  it('passes ordinary output on at once, holding back only what could start the mark', () => {
    let output = '';
    const tail = new RunTail(MARK, (c) => (output += c.toString('latin1')));
    void tail.write(Buffer.from('line one\n'));
    expect(output).toBe('line one\n');
    void tail.write(Buffer.from('text\0job-run', 'latin1'));
    expect(output).toBe('line one\ntext');
    void tail.write(Buffer.from('ning? no, just a NUL\n', 'latin1'));
    expect(output).toBe('line one\ntext\0job-running? no, just a NUL\n');
  });

  it('has no report when the stream ends without the mark, and keeps every byte as output', async () => {
    const { tail, output } = feed(['all output\0job-runner-e']);
    expect(await tail.report).toBeNull();
    expect(output()).toBe('all output\0job-runner-e');
  });

  it('reads a missing exit code (collection alone) as null, and says when no archive follows', async () => {
    const { tail } = feed([`${MARK}rc \npeak 1\ntar 0\n\n`]);
    expect(await tail.report).toMatchObject({ exitCode: null, archive: false });
  });
});
