import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import tar from 'tar-stream';
import { extractArtifacts } from './extract-artifacts';

type Entry = { name: string; type?: tar.Header['type']; body?: string; linkname?: string };

async function archive(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries)
    pack.entry(
      { name: e.name, type: e.type ?? 'file', linkname: e.linkname, mode: 0o644 },
      e.body ?? '',
    );
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

describe('extractArtifacts', () => {
  let dir: string;
  const notices: string[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'extract-'));
    notices.length = 0;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = (bytes: Buffer, limits = { maxFiles: 10, maxBytes: 1000 }) =>
    extractArtifacts(Readable.from([bytes]), dir, limits, (m) => notices.push(m));

  it('keeps regular files (in subdirectories too), nothing else', async () => {
    const got = await run(
      await archive([
        { name: 'a.txt', body: 'aa' },
        { name: 'sub/b.txt', body: 'b' },
        { name: 'link', type: 'symlink', linkname: '/etc/passwd' },
        { name: 'hard', type: 'link', linkname: 'a.txt' },
        { name: 'fifo', type: 'fifo' },
        { name: '../escape.txt', body: 'x' },
      ]),
    );
    expect(got).toEqual([
      { name: 'a.txt', size: 2 },
      { name: 'sub/b.txt', size: 1 },
    ]);
    expect(fs.readdirSync(dir).sort()).toEqual(['a.txt', 'sub']);
    expect(notices.join('\n')).toMatch(/link is a symlink/);
    expect(notices.join('\n')).toMatch(/fifo is a fifo/);
    expect(notices.join('\n')).toMatch(/unsafe name "..\/escape.txt"/);
  });

  it('checks the caps again: the archive is the sandbox’s word', async () => {
    const got = await run(
      await archive([
        { name: '1', body: 'x'.repeat(600) },
        { name: '2', body: 'x'.repeat(600) },
        { name: '3', body: 'x' },
        { name: '4', body: 'x' },
      ]),
      { maxFiles: 2, maxBytes: 1000 },
    );
    expect(got.map((a) => a.name)).toEqual(['1', '3']);
    expect(notices).toEqual([
      'artifact skipped: 2 (artifacts over 1000 bytes in all)',
      'artifact skipped: 4 (more than 2 files)',
    ]);
  });

  it('keeps the files that arrived whole when the archive breaks off, and removes the cut one', async () => {
    const whole = await archive([
      { name: 'first.txt', body: 'complete' },
      { name: 'second.bin', body: 'y'.repeat(4000) },
    ]);
    const cut = whole.subarray(0, 512 * 3 + 1000); // first's header and data, second's header, part of its data
    const stream = new PassThrough();
    const done = extractArtifacts(stream, dir, { maxFiles: 10, maxBytes: 10_000 }, (m) =>
      notices.push(m),
    );
    stream.end(cut);
    expect(await done).toEqual([{ name: 'first.txt', size: 8 }]);
    expect(fs.readdirSync(dir)).toEqual(['first.txt']);
    expect(notices.join('\n')).toMatch(/artifacts incomplete/);
  });
});
