import { Writable } from 'node:stream';

export type FrameStream = 'stdout' | 'stderr';

/**
 * Receives each piece of a demultiplexed stream. Returning a promise holds the engine's stream
 * until it settles: that is how a slow consumer (an archive written to disk) pushes back on the
 * sandbox instead of having its output pile up in memory.
 */
export type FrameSink = (stream: FrameStream, chunk: Buffer) => void | Promise<void>;

/**
 * Splits Docker's multiplexed attach/exec stream (8-byte header: stream type, 3 zero bytes,
 * big-endian length; then the payload) into stdout and stderr pieces. Unlike docker-modem's
 * demuxStream it never concatenates a whole frame (a payload is passed on in the pieces it
 * arrives in) and it honours backpressure: pipe the engine's stream into it with `pipeline`.
 */
export class DockerFrames extends Writable {
  private header = Buffer.alloc(8);
  private headerFill = 0;
  private remaining = 0;
  private stream: FrameStream = 'stdout';

  constructor(private readonly sink: FrameSink) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.consume(chunk).then(() => cb(), cb);
  }

  private async consume(chunk: Buffer): Promise<void> {
    let at = 0;
    while (at < chunk.length) {
      if (this.remaining === 0) {
        const take = Math.min(8 - this.headerFill, chunk.length - at);
        chunk.copy(this.header, this.headerFill, at, at + take);
        this.headerFill += take;
        at += take;
        if (this.headerFill < 8) return;
        this.headerFill = 0;
        const type = this.header[0];
        // 0 is stdin, which an output stream never carries; anything else is not Docker's framing.
        if (type !== 1 && type !== 2) throw new Error(`not a Docker stream frame (type ${type})`);
        this.stream = type === 1 ? 'stdout' : 'stderr';
        this.remaining = this.header.readUInt32BE(4);
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - at);
      const piece = chunk.subarray(at, at + take);
      at += take;
      this.remaining -= take;
      const pending = this.sink(this.stream, piece);
      if (pending) await pending;
    }
  }
}
