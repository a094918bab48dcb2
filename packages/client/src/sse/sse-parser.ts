/** One dispatched Server-Sent Event. */
export interface SseEvent {
  /** The `event` field, `message` when the event named none. */
  event: string;
  /** The `data` lines joined with LF, as EventSource gives them. */
  data: string;
  /** The `data` lines one by one (job-runner splits a line at each carriage return). */
  dataLines: string[];
  /** The stream's last event id as of this event (ids carry over to events without one). */
  lastEventId: string;
}

const LF = 10;
const CR = 13;

/**
 * An incremental parser of `text/event-stream`, after the WHATWG HTML standard's rules: lines
 * end in CRLF, LF or CR (also when a CRLF is split across chunks); `:` starts a comment; a
 * blank line dispatches; an event without data is not dispatched but its id still counts; an
 * event cut off by the end of the stream is never dispatched. Feed it decoded text.
 */
export class SseParser {
  private buffer = '';
  /** The previous chunk ended in CR: an LF opening the next one belongs to that line end. */
  private skipLf = false;
  private started = false;
  private dataLines: string[] = [];
  private eventType = '';
  private idBuffer = '';
  private dispatchedId = '';
  /** The last `retry` the server asked for, in ms. */
  retryMs: number | null = null;
  /** Comments seen (keep-alives, for one). */
  comments = 0;

  /**
   * The id a reconnecting client sends as Last-Event-ID: that of the last event dispatched,
   * never that of an event still being received.
   */
  get lastEventId(): string {
    return this.dispatchedId;
  }

  /** Parses the next piece of the stream; returns the events it completed. */
  push(chunk: string): SseEvent[] {
    let text = chunk;
    if (!this.started && text.length) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.skipLf && text.length) {
      this.skipLf = false;
      if (text.charCodeAt(0) === LF) text = text.slice(1);
    }
    const events: SseEvent[] = [];
    const buf = this.buffer + text;
    let start = 0;
    for (let i = 0; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c !== LF && c !== CR) continue;
      this.line(buf.slice(start, i), events);
      if (c === CR) {
        if (i + 1 === buf.length) this.skipLf = true;
        else if (buf.charCodeAt(i + 1) === LF) i++;
      }
      start = i + 1;
    }
    this.buffer = buf.slice(start);
    return events;
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === '') return this.dispatch(events);
    if (line.charCodeAt(0) === 0x3a /* : */) {
      this.comments++;
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.dataLines.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.idBuffer = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
      // Unknown fields are ignored, as the standard says.
    }
  }

  private dispatch(events: SseEvent[]): void {
    this.dispatchedId = this.idBuffer;
    const dataLines = this.dataLines;
    const event = this.eventType || 'message';
    this.dataLines = [];
    this.eventType = '';
    if (dataLines.length === 0) return;
    events.push({ event, data: dataLines.join('\n'), dataLines, lastEventId: this.dispatchedId });
  }
}
