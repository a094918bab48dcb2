import type { Output } from './cli-io';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR_LINE = '\r\x1b[K';

/** `3.4s`, `2m05s`: the elapsed time as a spinner shows it. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const whole = Math.floor(s);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
}

/**
 * One line on a terminal (stderr) saying what a job is doing and for how long. Output of
 * others goes above it through `above()`, which takes the line away and puts it back, so the
 * two never mix. Only ever made for a terminal: piped output never holds escape codes.
 */
export class Spinner {
  private label = '';
  private frame = 0;
  private startedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private shown = false;

  constructor(
    private readonly out: Output,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts (or goes on) showing `label`, with the time since the first start. */
  show(label: string): void {
    this.label = label;
    if (!this.timer) {
      this.startedAt = this.now();
      this.timer = setInterval(() => this.tick(), 100);
      this.timer.unref();
    }
    this.draw();
  }

  /** Writes something of others' with the spinner out of the way. */
  above(write: () => void): void {
    this.erase();
    write();
    if (this.timer) this.draw();
  }

  /** Takes the line away for good. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.erase();
  }

  /** The next frame (the timer's job; public for tests). */
  tick(): void {
    this.frame = (this.frame + 1) % FRAMES.length;
    this.draw();
  }

  /** The line as drawn now. */
  line(): string {
    return `${FRAMES[this.frame]} ${this.label} ${formatElapsed(this.now() - this.startedAt)}`;
  }

  private draw(): void {
    this.out.write(`${CLEAR_LINE}${this.line()}`);
    this.shown = true;
  }

  private erase(): void {
    if (this.shown) this.out.write(CLEAR_LINE);
    this.shown = false;
  }
}
