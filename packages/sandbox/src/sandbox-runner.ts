import type { RunRequest } from './run-request';
import type { RunResult } from './run-result';

/** One readiness check of the sandbox: the engine, the images, the OCI runtime. */
export interface SandboxCheck {
  name: string;
  ok: boolean;
  /** Why it failed. */
  detail?: string;
}

/**
 * Runs one program to its end. Failures of the program are verdicts in the result; failures of
 * the platform (engine unreachable, image missing, ...) are thrown as SandboxPlatformError.
 */
export interface SandboxRunner {
  readonly kind: 'docker' | 'local';
  run(request: RunRequest): Promise<RunResult>;
  /**
   * Whether runs can work here (engine answers, images present, runtime known); never throws.
   * The worker's start, the API's inline start and /readyz all ask this.
   */
  check(images: string[]): Promise<SandboxCheck[]>;
  /**
   * Sets up what runs need at worker start (networks, firewall, sandboxes made ahead for the
   * given images); returns remarks to log.
   */
  prepare?(images: string[]): Promise<string[]>;
  /** Lets go of what the runner holds (sandboxes being removed, a pool). */
  close?(): Promise<void>;
  /** After the engine came back: what was made ahead of time is made again. */
  recover?(): Promise<void>;
  /** Sandboxes waiting in a pool, and how jobs found them; null without a pool. */
  poolStats?(): { ready: number; hits: number; misses: number } | null;
  /** Ids of the sandboxes waiting in a pool (not leftovers, whatever their age). */
  pooledIds?(): Set<string>;
}
