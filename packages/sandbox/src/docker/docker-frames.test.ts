import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DockerFrames, type FrameStream } from './docker-frames';

const frame = (type: 1 | 2, payload: string) => {
  const body = Buffer.from(payload);
  const head = Buffer.alloc(8);
  head[0] = type;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
};

describe('DockerFrames', () => {
  it('splits stdout and stderr, whatever the pieces the bytes arrive in', async () => {
    const all = Buffer.concat([frame(1, 'hello '), frame(2, 'oops\n'), frame(1, 'world\n')]);
    for (const size of [1, 3, 7, 8, 9, all.length]) {
      const got: Record<FrameStream, string> = { stdout: '', stderr: '' };
      const pieces = [];
      for (let i = 0; i < all.length; i += size) pieces.push(all.subarray(i, i + size));
      await pipeline(
        Readable.from(pieces),
        new DockerFrames((s, c) => {
          got[s] += c.toString();
        }),
      );
      expect([size, got]).toEqual([size, { stdout: 'hello world\n', stderr: 'oops\n' }]);
    }
  });

  it('holds the stream while the sink is busy (backpressure)', async () => {
    const order: string[] = [];
    await pipeline(
      Readable.from([frame(1, 'a'), frame(1, 'b')]),
      new DockerFrames(async (_s, c) => {
        order.push(`start ${c.toString()}`);
        await new Promise((r) => setTimeout(r, 20));
        order.push(`end ${c.toString()}`);
      }),
    );
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('refuses bytes that are not Docker frames', async () => {
    await expect(
      pipeline(
        Readable.from([Buffer.from('plain text, no header')]),
        new DockerFrames(() => undefined),
      ),
    ).rejects.toThrow(/not a Docker stream frame/);
  });
});
