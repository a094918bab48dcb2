/**
 * The jobs this worker is running, each with the switch that cancels it. A cancel request is
 * broadcast to every worker; only the one holding the job acts on it.
 */
export class CancelRegistry {
  private readonly running = new Map<string, AbortController>();

  register(jobId: string): AbortSignal {
    const controller = new AbortController();
    this.running.set(jobId, controller);
    return controller.signal;
  }

  release(jobId: string): void {
    this.running.delete(jobId);
  }

  cancel(jobId: string): boolean {
    const controller = this.running.get(jobId);
    controller?.abort();
    return Boolean(controller);
  }

  ids(): string[] {
    return [...this.running.keys()];
  }
}
