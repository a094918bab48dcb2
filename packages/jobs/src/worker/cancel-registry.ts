/** Abort reason of a run stopped because its worker shuts down: the job goes back to the queue. */
export const HAND_BACK = 'hand-back';
/** Abort reason of a run the client canceled. */
export const CANCEL = 'cancel';

/**
 * The jobs this worker is running, each with the switch that stops it. A cancel request is
 * broadcast to every worker; only the one holding the job acts on it. The abort reason tells
 * the processor whether the client canceled or the worker is handing the job back.
 */
export class CancelRegistry {
  private readonly running = new Map<string, AbortController>();
  private waiters: Array<() => void> = [];

  register(jobId: string): AbortSignal {
    const controller = new AbortController();
    this.running.set(jobId, controller);
    return controller.signal;
  }

  release(jobId: string): void {
    this.running.delete(jobId);
    if (this.running.size > 0) return;
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  /** Resolves once no run is left (at once when none runs). */
  idle(): Promise<void> {
    if (this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  cancel(jobId: string): boolean {
    const controller = this.running.get(jobId);
    controller?.abort(CANCEL);
    return Boolean(controller);
  }

  /** Stops every run so that its job is handed back (shutdown past its grace period). */
  handBackAll(): string[] {
    for (const controller of this.running.values()) controller.abort(HAND_BACK);
    return this.ids();
  }

  ids(): string[] {
    return [...this.running.keys()];
  }
}
