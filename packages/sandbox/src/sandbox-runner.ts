import type { RunRequest } from './run-request';
import type { RunResult } from './run-result';

/**
 * Runs one program to its end. Failures of the program are verdicts in the result; failures of
 * the platform (engine unreachable, image missing, ...) are thrown as SandboxPlatformError.
 */
export interface SandboxRunner {
  readonly kind: 'docker' | 'local';
  run(request: RunRequest): Promise<RunResult>;
  /** Checks the runner can work at all (engine answers, image present). Throws otherwise. */
  check(image: string): Promise<void>;
  /** Sets up what runs need (networks, firewall) at worker start; returns remarks to log. */
  prepare?(): Promise<string[]>;
}
