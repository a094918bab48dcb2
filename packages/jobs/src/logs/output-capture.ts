import { StringDecoder } from 'node:string_decoder';

export type StreamName = 'stdout' | 'stderr';

export interface OutputCaptureOptions {
  /** Bytes of output kept; the rest is counted and dropped. */
  maxBytes: number;
  /** A line longer than this is cut into pieces of this size, so no line is ever buffered whole. */
  maxLineBytes?: number;
  /** Receives complete text (whole lines, or pieces of an over-long line). */
  emit: (text: string) => void;
}

/**
 * Turns the program's raw stdout and stderr into combined text, line by line: each stream keeps
 * its own partial line, so a line of one is never split by output of the other. Memory stays
 * bounded whatever the program prints: at most one partial line per stream, and nothing past
 * the cap.
 */
export class OutputCapture {
  private readonly decoders = {
    stdout: new StringDecoder('utf8'),
    stderr: new StringDecoder('utf8'),
  };
  private readonly partial: Record<StreamName, string> = { stdout: '', stderr: '' };
  private kept = 0;
  private droppedBytes = 0;
  private readonly maxLineBytes: number;

  constructor(private readonly opts: OutputCaptureOptions) {
    this.maxLineBytes = opts.maxLineBytes ?? 64 * 1024;
  }

  get dropped(): number {
    return this.droppedBytes;
  }

  write(chunk: Buffer, stream: StreamName): void {
    if (this.kept >= this.opts.maxBytes) {
      this.droppedBytes += chunk.length;
      return;
    }
    let text = this.partial[stream] + this.decoders[stream].write(chunk);
    let nl = text.lastIndexOf('\n');
    // An over-long line: let pieces through so memory does not grow with it, however large
    // the chunk (one piece per chunk would let the partial line grow by chunk - piece each time).
    while (nl < 0 && text.length > this.maxLineBytes) {
      this.keep(text.slice(0, this.maxLineBytes) + '\n', true);
      text = text.slice(this.maxLineBytes);
      nl = text.lastIndexOf('\n');
    }
    if (nl >= 0) {
      this.keep(text.slice(0, nl + 1));
      text = text.slice(nl + 1);
    }
    this.partial[stream] = text;
  }

  /** Flushes partial lines and, when output was dropped, one marker line saying how much. */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.partial[stream] + this.decoders[stream].end();
      this.partial[stream] = '';
      if (rest) this.keep(rest + '\n', true);
    }
    if (this.droppedBytes > 0) {
      this.opts.emit(
        `[job-runner] output limit of ${this.opts.maxBytes} bytes reached: ${this.droppedBytes} more bytes dropped\n`,
      );
    }
  }

  /** `closed`: the text ends with a newline of ours, not the program's (not counted as dropped). */
  private keep(text: string, closed = false): void {
    const room = this.opts.maxBytes - this.kept;
    const bytes = Buffer.byteLength(text);
    if (bytes <= room) {
      this.kept += bytes;
      this.opts.emit(text);
      return;
    }
    // Cut at the cap, on a character boundary, and close the line.
    const head = Buffer.from(text)
      .subarray(0, room)
      .toString('utf8')
      .replace(/\uFFFD$/, '');
    const headBytes = Buffer.byteLength(head);
    this.kept = this.opts.maxBytes;
    this.droppedBytes += bytes - headBytes - (closed ? 1 : 0);
    if (head) this.opts.emit(head.endsWith('\n') ? head : head + '\n');
  }
}
