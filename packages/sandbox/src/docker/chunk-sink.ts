import { Writable } from 'node:stream';

/** A writable that hands every chunk to `fn` (or drops it): a target for the engine's demuxer. */
export const chunkSink = (fn?: (chunk: Buffer) => void): Writable =>
  new Writable({
    write(chunk: Buffer, _enc, cb) {
      fn?.(chunk);
      cb();
    },
  });
