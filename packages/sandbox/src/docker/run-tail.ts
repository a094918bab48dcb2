import { PassThrough } from 'node:stream';

/** What the in-sandbox script reports after the end mark, before the artifacts archive. */
export interface TailReport {
  /** The program's exit status; null when the script did not run it (collection alone). */
  exitCode: number | null;
  /** OOM kills the memory cgroup counted; > 0 means the kernel killed something at the limit. */
  oomKills: number;
  peakMemoryBytes: number | null;
  cpuTimeNs: number | null;
  /** Remarks of the collector (artifacts it left out, and why). */
  notes: string[];
  /** Whether an archive follows; without one the report is all there is. */
  archive: boolean;
}

/** Longest header we read after the mark; past it the rest is not ours to believe. */
const MAX_HEADER_BYTES = 1024 * 1024;

/**
 * Splits one exec's stdout into the program's output and what the script reports after the end
 * mark. Holds back at most a possible beginning of the mark at the end of a piece, and only when
 * that piece ends in something that could be one (the mark starts with a NUL), so ordinary output
 * is passed on at once.
 */
export class RunTail {
  private held = Buffer.alloc(0);
  private seen = false;
  private header = '';
  private headerDone = false;
  private readonly mark: Buffer;
  /** The artifacts archive (the bytes after the header); ends when the exec's stream ends. */
  readonly archive = new PassThrough();
  /** Whether any archive byte arrived (an empty output directory sends none). */
  archiveBytes = 0;
  private resolveReport!: (r: TailReport | null) => void;
  /** The report, once the header is complete; null when the stream ended without one. */
  readonly report: Promise<TailReport | null>;

  constructor(
    mark: string,
    private readonly onOutput: (chunk: Buffer) => void,
  ) {
    this.mark = Buffer.from(mark, 'latin1');
    this.report = new Promise((resolve) => (this.resolveReport = resolve));
  }

  get markSeen(): boolean {
    return this.seen;
  }

  /** One piece of stdout; a promise means "wait before sending more" (archive backpressure). */
  write(chunk: Buffer): void | Promise<void> {
    if (this.seen) return this.afterMark(chunk);
    const data = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = Buffer.alloc(0);
    const at = data.indexOf(this.mark);
    if (at >= 0) {
      if (at > 0) this.onOutput(data.subarray(0, at));
      this.seen = true;
      return this.afterMark(data.subarray(at + this.mark.length));
    }
    const keep = this.partialMarkAtEnd(data);
    if (data.length - keep > 0) this.onOutput(data.subarray(0, data.length - keep));
    if (keep) this.held = Buffer.from(data.subarray(data.length - keep));
  }

  /** The stream is over: flush held bytes as output, settle the report and the archive. */
  end(): void {
    if (!this.seen && this.held.length) this.onOutput(this.held);
    this.held = Buffer.alloc(0);
    if (!this.headerDone) this.resolveReport(null);
    this.archive.end();
  }

  private afterMark(chunk: Buffer): void | Promise<void> {
    if (this.headerDone) return this.toArchive(chunk);
    const text = chunk.toString('latin1');
    const end = (this.header + text).indexOf('\n\n');
    if (end < 0) {
      this.header += text;
      if (this.header.length > MAX_HEADER_BYTES) {
        this.headerDone = true;
        this.resolveReport(null);
      }
      return;
    }
    const consumed = end + 2 - this.header.length;
    this.header = (this.header + text).slice(0, end + 1);
    this.headerDone = true;
    this.resolveReport(parseHeader(this.header));
    const rest = chunk.subarray(consumed);
    return rest.length ? this.toArchive(rest) : undefined;
  }

  private toArchive(chunk: Buffer): void | Promise<void> {
    this.archiveBytes += chunk.length;
    if (this.archive.write(chunk)) return;
    return new Promise<void>((resolve) => {
      const done = () => {
        this.archive.off('drain', done);
        this.archive.off('close', done);
        resolve();
      };
      this.archive.once('drain', done);
      this.archive.once('close', done);
    });
  }

  /** Bytes at the end of `data` that could begin the mark. */
  private partialMarkAtEnd(data: Buffer): number {
    const from = Math.max(0, data.length - this.mark.length + 1);
    for (let i = data.indexOf(0, from); i >= 0 && i < data.length; i = data.indexOf(0, i + 1)) {
      const tail = data.subarray(i);
      if (this.mark.subarray(0, tail.length).equals(tail)) return tail.length;
    }
    return 0;
  }
}

function parseHeader(text: string): TailReport {
  const report: TailReport = {
    exitCode: null,
    oomKills: 0,
    peakMemoryBytes: null,
    cpuTimeNs: null,
    notes: [],
    archive: true,
  };
  const num = (v: string) => (/^\d+$/.test(v) ? Number(v) : null);
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ');
    const key = sp < 0 ? line : line.slice(0, sp);
    const value = sp < 0 ? '' : line.slice(sp + 1).trim();
    if (key === 'rc') report.exitCode = num(value);
    else if (key === 'oom') report.oomKills = num(value) ?? 0;
    else if (key === 'peak') report.peakMemoryBytes = num(value);
    else if (key === 'cpu_ns') report.cpuTimeNs = num(value);
    else if (key === 'tar') report.archive = value !== '0';
    else if (key === 'note') {
      try {
        const note = JSON.parse(Buffer.from(value, 'latin1').toString('utf8')) as unknown;
        if (typeof note === 'string' && report.notes.length < 1000)
          report.notes.push(note.slice(0, 600));
      } catch {
        /* not ours */
      }
    }
  }
  return report;
}
