import { serviceUnavailable } from '../errors/http-error';

/**
 * Counts the log streams this process serves and refuses one past MAX_SSE_STREAMS (503 with
 * Retry-After): a crowd of idle streams must not take the process's sockets and memory.
 */
export class StreamSlots {
  private used = 0;

  constructor(private readonly max: number) {}

  get inUse(): number {
    return this.used;
  }

  /** Takes a slot (throws the 503 when none is free); the function returned gives it back once. */
  acquire(): () => void {
    if (this.used >= this.max)
      throw serviceUnavailable(
        'TOO_MANY_STREAMS',
        `this server already serves ${this.max} log streams (MAX_SSE_STREAMS); retry later or read GET /jobs/{id}/logs`,
        5,
      );
    this.used++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used--;
    };
  }
}
