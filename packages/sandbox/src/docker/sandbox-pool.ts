import type Docker from 'dockerode';
import type { SandboxLimits } from '../run-request';
import type { BackgroundWork } from './background-work';
import { SandboxContainer } from './sandbox-container';

export interface SandboxPoolOptions {
  /** Sandboxes kept ready per image. */
  size: number;
  /** A ready sandbox older than this is replaced (it has waited long enough). */
  maxAgeMs: number;
  /** The limits pooled sandboxes are made with (the spec's defaults). */
  shape: SandboxLimits;
  /** The create options of a pooled sandbox of an image (hardening, labels, name). */
  createOptions(
    image: string,
  ): Docker.ContainerCreateOptions | Promise<Docker.ContainerCreateOptions>;
  /** Told of a failure to make one (the engine away, ...); the pool retries later. */
  onError?(err: unknown): void;
  /** Runs the pool's engine work off the jobs' critical path. */
  work: BackgroundWork;
}

export interface PoolStats {
  /** Sandboxes ready now, all images together. */
  ready: number;
  hits: number;
  misses: number;
}

/** How long a pool that could not make a sandbox waits before it tries again. */
const RETRY_MS = 1000;

/**
 * Sandboxes made ahead of time, per image: created with the full hardening, attached, started,
 * PID 1 waiting for a job's files on its stdin. A job takes one (a hit) or, when none is ready,
 * the runner makes one on the spot (a miss); the pool refills in the background. A sandbox
 * leaves the pool for one job only and is removed after it: none is ever reused. One that died
 * or is older than `maxAgeMs` is replaced.
 */
export class SandboxPool {
  private readonly ready = new Map<string, SandboxContainer[]>();
  private readonly filling = new Map<string, Promise<void>>();
  private readonly images = new Set<string>();
  private hits = 0;
  private misses = 0;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly docker: Docker,
    private readonly opts: SandboxPoolOptions,
  ) {}

  get stats(): PoolStats {
    let ready = 0;
    for (const list of this.ready.values()) ready += list.length;
    return { ready, hits: this.hits, misses: this.misses };
  }

  /** Ids of the sandboxes waiting in the pool (the reaper must leave them alone). */
  get ids(): Set<string> {
    const ids = new Set<string>();
    for (const list of this.ready.values()) for (const box of list) ids.add(box.id);
    return ids;
  }

  /** Starts keeping `images` ready; resolves once the first fill has run. */
  async start(images: string[]): Promise<void> {
    this.closed = false;
    for (const image of images) this.images.add(image);
    await Promise.all([...this.images].map((image) => this.fill(image)));
    this.timer ??= setInterval(() => this.tidy(), Math.max(250, this.opts.maxAgeMs / 4));
    this.timer.unref();
  }

  /** A ready sandbox of `image`, taken out of the pool for good; null when none is (a miss). */
  take(image: string): SandboxContainer | null {
    const list = this.ready.get(image) ?? [];
    let box: SandboxContainer | undefined;
    while ((box = list.shift())) {
      if (box.alive && Date.now() - box.createdAt < this.opts.maxAgeMs) break;
      void box.remove().catch(() => undefined);
    }
    if (box) this.hits++;
    else this.misses++;
    if (this.images.has(image)) void this.fill(image);
    return box ?? null;
  }

  /** Removes every sandbox in the pool and stops refilling (the worker stops). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all([...this.filling.values()]);
    const all = [...this.ready.values()].flat();
    this.ready.clear();
    await Promise.all(all.map((box) => box.remove().catch(() => undefined)));
  }

  /**
   * Forgets every ready sandbox (after the engine restarted they are all gone) and fills again.
   * Resolves once the new fill has run.
   */
  async rebuild(): Promise<void> {
    await Promise.all([...this.filling.values()]);
    const all = [...this.ready.values()].flat();
    this.ready.clear();
    await Promise.all(all.map((box) => box.remove().catch(() => undefined)));
    await Promise.all([...this.images].map((image) => this.fill(image)));
  }

  /** Makes sandboxes of `image` until the pool holds `size`; one fill per image at a time. */
  private fill(image: string): Promise<void> {
    const running = this.filling.get(image);
    if (running) return running;
    const fill = (async () => {
      const list = () => {
        if (!this.ready.has(image)) this.ready.set(image, []);
        return this.ready.get(image)!;
      };
      // One at a time: a refill must not crowd out the jobs running beside it.
      while (!this.closed && list().length < this.opts.size) {
        let box: SandboxContainer;
        try {
          box = await this.opts.work.run(
            async () => {
              const made = await SandboxContainer.start(
                this.docker,
                await this.opts.createOptions(image),
                this.opts.shape,
              );
              // Its supervisor too: the exec's cost is paid here, not by the job.
              try {
                await made.startSupervisor();
              } catch (err) {
                await made.remove().catch(() => undefined);
                throw err;
              }
              return made;
            },
            list().length === 0 ? 'urgent-fill' : 'fill',
          );
        } catch (err) {
          this.opts.onError?.(err);
          setTimeout(() => void (this.closed ? undefined : this.fill(image)), RETRY_MS).unref();
          return;
        }
        if (this.closed) {
          await box.remove().catch(() => undefined);
          return;
        }
        list().push(box);
      }
    })().finally(() => this.filling.delete(image));
    this.filling.set(image, fill);
    return fill;
  }

  /** Replaces sandboxes that died or waited past their age. */
  private tidy(): void {
    for (const [image, list] of this.ready) {
      const keep = list.filter(
        (box) => box.alive && Date.now() - box.createdAt < this.opts.maxAgeMs,
      );
      if (keep.length === list.length) continue;
      for (const box of list) if (!keep.includes(box)) void box.remove().catch(() => undefined);
      list.splice(0, list.length, ...keep);
      void this.fill(image);
    }
  }
}
