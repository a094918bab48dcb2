/**
 * What a piece of background engine work is: making a pooled sandbox (`fill`, or `urgent-fill`
 * when the pool of its image is empty, so the next job would have to make its own) or removing
 * a finished one (`remove`).
 */
export type BackgroundKind = 'fill' | 'urgent-fill' | 'remove';

interface Task {
  kind: BackgroundKind;
  since: number;
  start(): void;
}

/** The longest a piece waits for the runs to leave the engine alone (urgent fills do not). */
const MAX_DEFER_MS: Record<BackgroundKind, number> = {
  'urgent-fill': 0,
  fill: 2000,
  remove: 10_000,
};

/**
 * Engine work that no job waits for runs off the jobs' critical path (taking or making their
 * sandbox, filling it, running their program): on a small machine the engine's own work would
 * otherwise slow the very job it prepares for. Fills and removals each run one at a time, in
 * lanes of their own. A fill that keeps a pool from running dry goes at once; other pieces wait
 * for a moment with no critical run, at most MAX_DEFER_MS, so under constant load the pool still
 * fills and removals still happen.
 */
export class BackgroundWork {
  private critical = 0;
  private readonly busy = { fill: false, remove: false };
  private readonly waiting: Task[] = [];
  private timer: NodeJS.Timeout | null = null;

  /** A run enters its critical path; call the function returned when it leaves it. */
  enter(): () => void {
    this.critical++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.critical--;
      this.next();
    };
  }

  /** Runs `task` in its lane, when it may (see the class comment). */
  run<T>(task: () => Promise<T>, kind: BackgroundKind): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const lane = laneOf(kind);
      this.waiting.push({
        kind,
        since: Date.now(),
        start: () => {
          task()
            .then(resolve, reject)
            .finally(() => {
              this.busy[lane] = false;
              this.next();
            });
        },
      });
      this.next();
    });
  }

  private next(): void {
    const now = Date.now();
    for (const lane of ['fill', 'remove'] as const) {
      if (this.busy[lane]) continue;
      const mine = this.waiting.filter((t) => laneOf(t.kind) === lane);
      const ready = mine.find((t) => this.critical === 0 || now - t.since >= MAX_DEFER_MS[t.kind]);
      if (!ready) continue;
      this.waiting.splice(this.waiting.indexOf(ready), 1);
      this.busy[lane] = true;
      ready.start();
    }
    // Look again when the first of the pieces still waiting is due.
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const pending = this.waiting.filter((t) => !this.busy[laneOf(t.kind)]);
    if (!pending.length) return;
    const due = Math.min(...pending.map((t) => t.since + MAX_DEFER_MS[t.kind] - now));
    this.timer = setTimeout(() => this.next(), Math.max(1, due));
    this.timer.unref();
  }
}

const laneOf = (kind: BackgroundKind) => (kind === 'remove' ? 'remove' : 'fill');
